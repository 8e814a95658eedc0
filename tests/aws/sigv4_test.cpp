// SigV4 against the AWS test suite (38 cases in $TAUPAGE_SHARED_DIR/testdata/sigv4, outside the
// repository: skipped when it is not there, sigv4_botocore_test.cpp covers the same edge cases),
// header and query forms, plus the S3 GetObject example from the S3 documentation.
#include "aws/sigv4.h"

#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <filesystem>

#include "aws/digest.h"
#include "support/shared_dir.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace taupage {
namespace {

struct ParsedRequest {
  SignableRequest request;
  std::string target;
};

// request.txt: "METHOD TARGET HTTP/1.1", "Name:value" lines (indented lines continue a value),
// an empty line, the body. The target may hold spaces.
ParsedRequest parse_request(const std::string& text) {
  ParsedRequest out;
  size_t line_end = text.find('\n');
  std::string first = text.substr(0, line_end);
  size_t space = first.find(' ');
  out.request.method = first.substr(0, space);
  std::string target = first.substr(space + 1);
  const std::string suffix = " HTTP/1.1";
  if (target.size() >= suffix.size() && target.compare(target.size() - suffix.size(), suffix.size(), suffix) == 0) {
    target.resize(target.size() - suffix.size());
  }
  out.target = target;
  size_t q = target.find('?');
  out.request.path = target.substr(0, q);
  if (q != std::string::npos) out.request.query = target.substr(q + 1);
  size_t pos = line_end == std::string::npos ? text.size() : line_end + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) {
      if (pos < text.size()) out.request.body = text.substr(pos);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !out.request.headers.empty()) {
      out.request.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    out.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return out;
}

int64_t parse_timestamp(const std::string& text) {
  struct tm tm {};
  strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return timegm(&tm);
}

std::string suite_dir() { return testing::shared_dir() + "/testdata/sigv4"; }

bool suite_present() { return std::filesystem::is_directory(suite_dir()); }

std::string suite_absent() {
  return "the AWS SigV4 test suite is not at " + suite_dir() + " (set TAUPAGE_SHARED_DIR); SigV4Botocore covers its edge cases";
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(suite_dir(), ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Case {
  ParsedRequest parsed;
  Credentials credentials;
  SigningParams params;
  std::string dir;
  std::string file(const std::string& name) const { return read_file(dir + "/" + name).value(); }
};

Case load_case(const std::string& name) {
  Case c;
  c.dir = suite_dir() + "/" + name;
  c.parsed = parse_request(c.file("request.txt"));
  Json context = parse_json(c.file("context.json")).value();
  const Json& creds = context.get("credentials");
  c.credentials.access_key_id = creds.get_string("access_key_id");
  c.credentials.secret_access_key = Secret(creds.get_string("secret_access_key"));
  c.credentials.session_token = Secret(creds.get_string("token"));
  c.params.region = context.get_string("region");
  c.params.service = context.get_string("service");
  c.params.unix_time = parse_timestamp(context.get_string("timestamp"));
  c.params.normalize_path = context.get("normalize").as_bool();
  c.params.content_sha256_header = context.get("sign_body").as_bool();
  if (!context.get("sign_body").as_bool()) c.params.payload_hash = sha256_hex("");
  c.params.omit_session_token = context.get("omit_session_token").as_bool();
  c.params.expires_seconds = static_cast<int>(context.get("expiration_in_seconds").as_int());
  return c;
}

std::vector<std::pair<std::string, std::string>> sorted_headers(HttpHeaders headers) {
  for (auto& [name, value] : headers) name = to_lower(name);
  std::sort(headers.begin(), headers.end());
  return headers;
}

std::vector<std::string> sorted_query(const std::string& query) {
  auto parts = split(query, '&');
  std::sort(parts.begin(), parts.end());
  return parts;
}

TEST(SigV4Suite, HasAll38Cases) {
  if (!suite_present()) GTEST_SKIP() << suite_absent();
  EXPECT_EQ(case_names().size(), 38u) << "suite folder: " << suite_dir();
}

TEST(SigV4Suite, HeaderForm) {
  if (!suite_present()) GTEST_SKIP() << suite_absent();
  int checked = 0;
  for (const auto& name : case_names()) {
    SCOPED_TRACE(name);
    Case c = load_case(name);
    Signature s = sign_with_headers(c.parsed.request, c.credentials, c.params);
    EXPECT_EQ(s.canonical_request, c.file("header-canonical-request.txt"));
    EXPECT_EQ(s.string_to_sign, c.file("header-string-to-sign.txt"));
    EXPECT_EQ(s.signature, c.file("header-signature.txt"));
    ParsedRequest expected = parse_request(c.file("header-signed-request.txt"));
    HttpHeaders ours = c.parsed.request.headers;
    ours.insert(ours.end(), s.added_headers.begin(), s.added_headers.end());
    EXPECT_EQ(sorted_headers(ours), sorted_headers(expected.request.headers));
    EXPECT_EQ(expected.request.method, c.parsed.request.method);
    EXPECT_EQ(expected.target, c.parsed.target);
    ++checked;
  }
  EXPECT_EQ(checked, 38);
}

TEST(SigV4Suite, QueryForm) {
  if (!suite_present()) GTEST_SKIP() << suite_absent();
  int checked = 0;
  for (const auto& name : case_names()) {
    SCOPED_TRACE(name);
    Case c = load_case(name);
    SigningParams params = c.params;
    params.content_sha256_header = false;  // the presigned form carries no payload header
    params.payload_hash = sha256_hex(c.parsed.request.body);
    Signature s = sign_with_query(c.parsed.request, c.credentials, params);
    EXPECT_EQ(s.canonical_request, c.file("query-canonical-request.txt"));
    EXPECT_EQ(s.string_to_sign, c.file("query-string-to-sign.txt"));
    EXPECT_EQ(s.signature, c.file("query-signature.txt"));
    ParsedRequest expected = parse_request(c.file("query-signed-request.txt"));
    EXPECT_EQ(expected.request.path, c.parsed.request.path);
    EXPECT_EQ(sorted_query(expected.request.query), sorted_query(s.signed_query));
    EXPECT_EQ(sorted_headers(expected.request.headers), sorted_headers(c.parsed.request.headers));
    ++checked;
  }
  EXPECT_EQ(checked, 38);
}

// The S3 API reference's GetObject example: single URI encoding, x-amz-content-sha256 signed.
TEST(SigV4S3, GetObjectExample) {
  Credentials credentials;
  credentials.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  credentials.secret_access_key = Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  SigningParams params;
  params.region = "us-east-1";
  params.service = "s3";
  params.unix_time = parse_timestamp("2013-05-24T00:00:00Z");
  params.normalize_path = false;
  params.double_encode = false;
  params.content_sha256_header = true;
  SignableRequest request;
  request.path = "/test.txt";
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  Signature s = sign_with_headers(request, credentials, params);
  EXPECT_EQ(sha256_hex(s.canonical_request), "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_NE(s.added_headers.back().second.find("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date"), std::string::npos);
}

TEST(SigV4S3, PathIsNotEncodedTwiceNorNormalized) {
  Credentials credentials;
  credentials.access_key_id = "AKID";
  credentials.secret_access_key = Secret("secret");
  SigningParams params;
  params.region = "eu-west-1";
  params.service = "s3";
  params.normalize_path = false;
  params.double_encode = false;
  params.content_sha256_header = true;
  SignableRequest request;
  request.path = "/bucket/a%20b//c";
  request.headers = {{"Host", "s3.eu-west-1.amazonaws.com"}};
  Signature s = sign_with_headers(request, credentials, params);
  EXPECT_EQ(split(s.canonical_request, '\n')[1], "/bucket/a%20b//c");
  params.double_encode = true;
  params.normalize_path = true;
  s = sign_with_headers(request, credentials, params);
  EXPECT_EQ(split(s.canonical_request, '\n')[1], "/bucket/a%2520b/c");
}

TEST(SigV4, SignHttpRequestAddsHostAndAuthorization) {
  Credentials credentials;
  credentials.access_key_id = "AKID";
  credentials.secret_access_key = Secret("secret");
  credentials.session_token = Secret("tok");
  SigningParams params;
  params.region = "eu-central-1";
  params.service = "kms";
  params.unix_time = 1700000000;
  HttpRequest request;
  request.method = "POST";
  request.body = "{}";
  request.headers = {{"User-Agent", "taupage"}};
  sign_http_request(request, "kms.eu-central-1.amazonaws.com", credentials, params);
  EXPECT_EQ(request.headers[1].first, "Host");
  EXPECT_EQ(request.headers.back().first, "Authorization");
  EXPECT_NE(request.headers.back().second.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"), std::string::npos);
}

}  // namespace
}  // namespace taupage
