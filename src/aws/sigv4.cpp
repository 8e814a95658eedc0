#include "aws/sigv4.h"

#include <algorithm>
#include <map>
#include <vector>

#include "aws/digest.h"
#include "aws/uri_encoding.h"
#include "util/strings.h"
#include "util/utc_time.h"

namespace taupage {

namespace {

constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";

// Headers that proxies and SDKs change in flight: never part of a signature.
bool unsignable(const std::string& lower_name) {
  return lower_name == "user-agent" || lower_name == "x-amzn-trace-id" || lower_name == "authorization" || lower_name == "expect";
}

std::string canonical_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : trim(value)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string normalized_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out;
  for (auto segment : segments) {
    out += '/';
    out += segment;
  }
  bool trailing = !path.empty() && path.back() == '/';
  if (out.empty() || trailing) out += '/';
  return out;
}

std::string canonical_uri(const std::string& path, const SigningParams& params) {
  std::string p = path.empty() ? "/" : path;
  if (params.normalize_path) p = normalized_path(p);
  return params.double_encode ? uri_encode(p, true) : p;
}

using Params = std::vector<std::pair<std::string, std::string>>;  // encoded key, encoded value

Params canonical_params(const std::string& query) {
  Params params;
  for (const auto& part : split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key = eq == std::string::npos ? part : part.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
    params.emplace_back(uri_encode(uri_decode(key)), uri_encode(uri_decode(value)));
  }
  return params;
}

std::string join_params(Params params) {
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;         // "name:value\n" lines
  std::string signed_names;  // "host;x-amz-date"
};

CanonicalHeaders canonical_headers(const HttpHeaders& headers) {
  std::map<std::string, std::string> joined;
  for (const auto& [name, value] : headers) {
    std::string lower = to_lower(name);
    if (unsignable(lower)) continue;
    auto [it, inserted] = joined.emplace(lower, canonical_value(value));
    if (!inserted) it->second += "," + canonical_value(value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : joined) {
    out.block += name + ":" + value + "\n";
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += name;
  }
  return out;
}

std::string scope_of(const std::string& date8, const SigningParams& params) {
  return date8 + "/" + params.region + "/" + params.service + "/aws4_request";
}

std::string signature_of(const Credentials& credentials, const std::string& date8, const SigningParams& params,
                         const std::string& string_to_sign) {
  std::string key = hmac_sha256("AWS4" + credentials.secret_access_key.reveal(), date8);
  key = hmac_sha256(key, params.region);
  key = hmac_sha256(key, params.service);
  key = hmac_sha256(key, "aws4_request");
  return hex_lower(hmac_sha256(key, string_to_sign));
}

std::string payload_hash_of(const SignableRequest& request, const SigningParams& params) {
  return params.payload_hash.empty() ? sha256_hex(request.body) : params.payload_hash;
}

}  // namespace

std::string amz_date(int64_t unix_seconds) {
  UtcTime t = utc_from_unix(unix_seconds);
  return strfmt("%04lld%02d%02dT%02d%02d%02dZ", static_cast<long long>(t.year), t.month, t.day, t.hour, t.minute, t.second);
}

Signature sign_with_headers(const SignableRequest& request, const Credentials& credentials, const SigningParams& params) {
  Signature out;
  std::string date = amz_date(params.unix_time);
  std::string date8 = date.substr(0, 8);
  std::string payload_hash = payload_hash_of(request, params);

  out.added_headers.emplace_back("X-Amz-Date", date);
  if (!credentials.session_token.empty() && !params.omit_session_token) {
    out.added_headers.emplace_back("X-Amz-Security-Token", credentials.session_token.reveal());
  }
  if (params.content_sha256_header) out.added_headers.emplace_back("x-amz-content-sha256", payload_hash);

  HttpHeaders all = request.headers;
  all.insert(all.end(), out.added_headers.begin(), out.added_headers.end());
  CanonicalHeaders headers = canonical_headers(all);

  out.canonical_request = request.method + "\n" + canonical_uri(request.path, params) + "\n" +
                          join_params(canonical_params(request.query)) + "\n" + headers.block + "\n" + headers.signed_names + "\n" +
                          payload_hash;
  std::string scope = scope_of(date8, params);
  out.string_to_sign = std::string(kAlgorithm) + "\n" + date + "\n" + scope + "\n" + sha256_hex(out.canonical_request);
  out.signature = signature_of(credentials, date8, params, out.string_to_sign);

  if (!credentials.session_token.empty() && params.omit_session_token) {
    out.added_headers.emplace_back("X-Amz-Security-Token", credentials.session_token.reveal());
  }
  out.added_headers.emplace_back("Authorization", std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + scope +
                                                      ", SignedHeaders=" + headers.signed_names + ", Signature=" + out.signature);
  return out;
}

Signature sign_with_query(const SignableRequest& request, const Credentials& credentials, const SigningParams& params) {
  Signature out;
  std::string date = amz_date(params.unix_time);
  std::string date8 = date.substr(0, 8);
  std::string scope = scope_of(date8, params);
  CanonicalHeaders headers = canonical_headers(request.headers);

  Params added = {{"X-Amz-Algorithm", kAlgorithm},
                  {"X-Amz-Credential", credentials.access_key_id + "/" + scope},
                  {"X-Amz-Date", date},
                  {"X-Amz-SignedHeaders", headers.signed_names},
                  {"X-Amz-Expires", std::to_string(params.expires_seconds)}};
  bool token = !credentials.session_token.empty();
  if (token && !params.omit_session_token) added.emplace_back("X-Amz-Security-Token", credentials.session_token.reveal());

  Params all = canonical_params(request.query);
  for (const auto& [k, v] : added) all.emplace_back(uri_encode(k), uri_encode(v));

  out.canonical_request = request.method + "\n" + canonical_uri(request.path, params) + "\n" + join_params(all) + "\n" + headers.block +
                          "\n" + headers.signed_names + "\n" + payload_hash_of(request, params);
  out.string_to_sign = std::string(kAlgorithm) + "\n" + date + "\n" + scope + "\n" + sha256_hex(out.canonical_request);
  out.signature = signature_of(credentials, date8, params, out.string_to_sign);

  if (token && params.omit_session_token) added.emplace_back("X-Amz-Security-Token", credentials.session_token.reveal());
  added.emplace_back("X-Amz-Signature", out.signature);
  out.signed_query = request.query;
  for (const auto& [k, v] : added) {
    if (!out.signed_query.empty()) out.signed_query += '&';
    out.signed_query += uri_encode(k) + "=" + uri_encode(v);
  }
  return out;
}

void sign_http_request(HttpRequest& request, const std::string& host, const Credentials& credentials, const SigningParams& params) {
  SignableRequest signable;
  signable.method = request.method;
  size_t q = request.target.find('?');
  signable.path = request.target.substr(0, q);
  if (q != std::string::npos) signable.query = request.target.substr(q + 1);
  bool has_host = false;
  for (const auto& [name, value] : request.headers) has_host = has_host || to_lower(name) == "host";
  if (!has_host) request.headers.emplace_back("Host", host);
  signable.headers = request.headers;
  signable.body = request.body;
  Signature signature = sign_with_headers(signable, credentials, params);
  for (auto& header : signature.added_headers) request.headers.push_back(std::move(header));
}

}  // namespace taupage
