/// AWS Signature Version 4: the canonical request, the string to sign and the signature, added
/// to a request either as headers (Authorization, X-Amz-Date, ...) or as presigned query
/// parameters. Checked against the AWS test suite; S3's variant (single URI encoding, no path
/// normalization, x-amz-content-sha256 header) is a matter of parameters.
#pragma once

#include <cstdint>
#include <string>

#include "aws/credentials.h"
#include "net/http.h"

namespace taupage {

inline constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";

struct SigningParams {
  std::string region;
  std::string service;
  int64_t unix_time = 0;               // the request time, already corrected for clock skew
  bool normalize_path = true;          // false for S3
  bool double_encode = true;           // false for S3: the path is signed as sent
  bool content_sha256_header = false;  // adds x-amz-content-sha256 (S3 requires it)
  std::string payload_hash;            // empty: SHA-256 of the body; or kUnsignedPayload
  bool omit_session_token = false;     // the token is added after signing, unsigned
  int expires_seconds = 3600;          // query form only
};

// A request to sign. `path` is the path as it goes on the wire (for S3 already URI-encoded
// once); `query` is the raw query string without '?'.
struct SignableRequest {
  std::string method = "GET";
  std::string path = "/";
  std::string query;
  HttpHeaders headers;  // must include Host
  std::string body;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  HttpHeaders added_headers;  // header form: what to add to the request, in order
  std::string signed_query;   // query form: the whole query string to send
};

// "20150830T123600Z"
std::string amz_date(int64_t unix_seconds);

Signature sign_with_headers(const SignableRequest& request, const Credentials& credentials, const SigningParams& params);
Signature sign_with_query(const SignableRequest& request, const Credentials& credentials, const SigningParams& params);

// Signs an HttpRequest in place (header form): splits its target into path and query, adds
// Host from `host` when missing, and appends X-Amz-Date, the token and Authorization.
void sign_http_request(HttpRequest& request, const std::string& host, const Credentials& credentials, const SigningParams& params);

}  // namespace taupage
