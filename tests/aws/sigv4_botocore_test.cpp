// SigV4 on requests of our own, judged by botocore at test time (tests/aws/sigv4_botocore.py):
// the edge cases of the AWS test suite, which lives outside the repository (sigv4_test.cpp runs
// it when it is there), without its files. Duplicate and multi-line headers, header order and
// trimming, path normalisation, unreserved and UTF-8 characters, query ordering, POST with a
// body, form bodies, session tokens signed and added after signing, S3's variant; the header
// form for every case, the presigned (query) form where botocore's presigner signs the same
// request (no body, no repeated query parameter: it moves a body into the query and keeps one
// value per name).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "aws/sigv4.h"
#include "aws/uri_encoding.h"
#include "support/process.h"
#include "util/json.h"
#include "util/strings.h"

// Each case names only what differs from a plain GET (designated initializers, the rest default).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace taupage {
namespace {

struct Case {
  std::string name;
  std::string method = "GET";
  std::string path = "/";
  std::string query;
  HttpHeaders headers;
  std::string body;
  std::string service = "ec2";
  std::string region = "eu-central-1";
  std::string token;
  bool token_unsigned = false;
  bool s3 = false;
  bool query_form = false;
};

constexpr int64_t kTime = 1795707856;  // 2026-11-26T15:44:16Z
constexpr const char* kAccessKey = "AKIDTAUPAGETEST00001";
constexpr const char* kSecret = "taupage/test+secret/NotARealKey0000000000";
constexpr int kExpires = 900;

HttpHeaders host(const std::string& name, HttpHeaders more = {}) {
  HttpHeaders headers = {{"Host", name}};
  headers.insert(headers.end(), more.begin(), more.end());
  return headers;
}

std::vector<Case> cases() {
  const std::string ec2 = "ec2.eu-central-1.amazonaws.com";
  const std::string kms = "kms.eu-central-1.amazonaws.com";
  std::vector<Case> all;
  auto add = [&](Case c) { all.push_back(std::move(c)); };

  add({.name = "plain-get", .headers = host(ec2), .query_form = true});
  // Headers: repeated names keep their order, multi-line values fold, spaces trim and collapse,
  // names sort case-insensitively, values keep their case.
  add({.name = "header-repeated",
       .headers = host(ec2, {{"X-Taupage-Tag", "stage"}, {"X-Taupage-Tag", "blue"}, {"x-taupage-tag", "Alpha"}}),
       .query_form = true});
  add({.name = "header-multi-line",
       .headers = host(ec2, {{"X-Taupage-Note", "first line\n  second line\n\tthird  line"}}),
       .query_form = true});
  add({.name = "header-order-and-case",
       .headers = host(ec2, {{"Zeta-Header", "z"}, {"alpha-header", "A"}, {"MID-HEADER", "MiXeD CaSe"}}),
       .query_form = true});
  add({.name = "header-trim", .headers = host(ec2, {{"X-Taupage-Pad", "   lead, inner    run\t\tand tail   "}}), .query_form = true});
  add({.name = "header-empty-value", .headers = host(ec2, {{"X-Taupage-Empty", ""}})});
  add({.name = "header-not-signed", .headers = host(ec2, {{"User-Agent", "taupage/0.1"}, {"X-Amzn-Trace-Id", "Root=1-abc"}})});
  // Paths: dot segments, repeated and trailing slashes, spaces, unreserved and UTF-8 characters.
  add({.name = "path-dot-segments", .path = "/volumes/./data/../disks/sda", .headers = host(ec2), .query_form = true});
  add({.name = "path-dot-dot-past-root", .path = "/../../up", .headers = host(ec2)});
  add({.name = "path-only-dots", .path = "/./.", .headers = host(ec2)});
  add({.name = "path-repeated-slashes", .path = "//volumes//data///", .headers = host(ec2), .query_form = true});
  add({.name = "path-trailing-dot-dot-slash", .path = "/volumes/data/../", .headers = host(ec2)});
  add({.name = "path-space", .path = "/my volume/data", .headers = host(ec2), .query_form = true});
  add({.name = "path-encoded-space", .path = "/my%20volume/data", .headers = host(ec2)});
  add({.name = "path-unreserved",
       .path = "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       .headers = host(ec2),
       .query_form = true});
  add({.name = "path-reserved", .path = "/a:b@c!d$e&f'g(h)i*j,k;l=m", .headers = host(ec2)});
  add({.name = "path-utf8",
       .path = "/donn\xc3\xa9"
               "es/\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87/\xe9\x8d\xb5",
       .headers = host(ec2),
       .query_form = true});
  // Queries: sorted by encoded name then value, names and values encoded the SigV4 way.
  add({.name = "query-order", .query = "Zulu=1&alpha=2&Alpha=3&beta=0", .headers = host(ec2), .query_form = true});
  add({.name = "query-repeated-name", .query = "Filter=b&Filter=a&Filter=c", .headers = host(ec2)});
  add({.name = "query-encoded-order", .query = "a-b=1&a%20b=2&a.b=3&%E2%9C%93=4&A=5", .headers = host(ec2), .query_form = true});
  add({.name = "query-unreserved", .query = "-._~09AZaz=-._~09AZaz", .headers = host(ec2), .query_form = true});
  add({.name = "query-reserved-encoded", .query = "key=%2F%3D%26%3F%25&path=a%2Fb", .headers = host(ec2), .query_form = true});
  add({.name = "query-utf8", .query = "name=caf%C3%A9&%E9%8D%B5=%E5%80%A4", .headers = host(ec2), .query_form = true});
  add({.name = "query-raw-utf8-and-space", .query = "name=caf\xc3\xa9&spaced=a b", .headers = host(ec2)});
  add({.name = "query-empty-key-value", .query = "flag&empty=&=nokey", .headers = host(ec2)});
  // Bodies: a JSON POST (KMS), form bodies with and without a charset, query and body together.
  add({.name = "post-json",
       .method = "POST",
       .headers = host(kms, {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "TrentService.Decrypt"}}),
       .body = R"({"CiphertextBlob":"AQICAHh0YXVwYWdl","EncryptionContext":{"app":"webshop"}})",
       .service = "kms"});
  add({.name = "post-empty-body", .method = "POST", .headers = host(ec2)});
  add({.name = "post-form",
       .method = "POST",
       .headers = host(ec2, {{"Content-Type", "application/x-www-form-urlencoded"}}),
       .body = "Action=DescribeVolumes&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=data"});
  add({.name = "post-form-charset",
       .method = "POST",
       .headers = host(ec2, {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}),
       .body = "Action=AttachVolume&VolumeId=vol-0123456789abcdef0&Device=%2Fdev%2Fxvdf"});
  add({.name = "post-query-and-form",
       .method = "POST",
       .query = "Version=2016-11-15",
       .headers = host(ec2, {{"Content-Type", "application/x-www-form-urlencoded"}}),
       .body = "Action=DescribeInstances"});
  // Session tokens: signed (EC2, KMS), or put on after signing.
  add({.name = "token-signed", .headers = host(ec2), .token = "IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes==", .query_form = true});
  add({.name = "token-signed-post",
       .method = "POST",
       .headers = host(kms, {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "TrentService.Decrypt"}}),
       .body = "{}",
       .service = "kms",
       .token = "FwoGZXIvYXdzEXAMPLE"});
  add({.name = "token-after-signing",
       .method = "POST",
       .headers = host("sts.eu-central-1.amazonaws.com", {{"Content-Type", "application/x-www-form-urlencoded"}}),
       .body = "Action=GetCallerIdentity&Version=2011-06-15",
       .service = "sts",
       .token = "AQoDYXdzEXAMPLE",
       .token_unsigned = true});
  // S3: the path is signed as sent (no normalisation, no second encoding), the body's hash too.
  add({.name = "s3-get",
       .path = "/taupage-bucket/app/config%20v2.yaml",
       .headers = host("s3.eu-central-1.amazonaws.com"),
       .service = "s3",
       .s3 = true});
  add({.name = "s3-path-not-normalised",
       .path = "/taupage-bucket/a/./b/../c//d",
       .headers = host("s3.eu-central-1.amazonaws.com"),
       .service = "s3",
       .s3 = true});
  add({.name = "s3-put-body-and-token",
       .method = "PUT",
       .path = "/taupage-bucket/report.json",
       .headers = host("s3.eu-central-1.amazonaws.com", {{"Content-Type", "application/json"}}),
       .body = R"({"stage":"late","ok":true})",
       .service = "s3",
       .token = "FwoGZXIvYXdzEXAMPLE",
       .s3 = true});
  return all;
}

Json to_json(const Case& c) {
  Json headers = Json::array();
  for (const auto& [name, value] : c.headers) {
    Json pair = Json::array();
    pair.push(name);
    pair.push(value);
    headers.push(std::move(pair));
  }
  Json j = Json::object();
  j.set("name", c.name);
  j.set("method", c.method);
  j.set("path", c.path);
  j.set("query", c.query);
  j.set("headers", std::move(headers));
  j.set("body", c.body);
  j.set("region", c.region);
  j.set("service", c.service);
  j.set("time", kTime);
  j.set("access_key_id", kAccessKey);
  j.set("secret_access_key", kSecret);
  j.set("token", c.token);
  j.set("token_unsigned", c.token_unsigned);
  j.set("s3", c.s3);
  j.set("query_form", c.query_form);
  j.set("expires", kExpires);
  return j;
}

// botocore's answers, one per case, asked once for the whole file.
const Json& botocore_answers() {
  static const Json answers = [] {
    Json request = Json::array();
    for (const Case& c : cases()) request.push(to_json(c));
    const char* source = std::getenv("TAUPAGE_SOURCE_DIR");
    std::string script = std::string(source && *source ? source : ".") + "/tests/aws/sigv4_botocore.py";
    ProcessResult run = run_process({"/usr/bin/env", "python3", script}, request.dump(), 60000);
    EXPECT_EQ(run.exit_code, 0) << script << " failed (python3-botocore is in scripts/packages/aws.txt):\n" << run.err;
    auto parsed = parse_json(run.out);
    EXPECT_TRUE(parsed) << run.out;
    return parsed ? *parsed : Json::array();
  }();
  return answers;
}

Credentials credentials_of(const Case& c) {
  Credentials credentials;
  credentials.access_key_id = kAccessKey;
  credentials.secret_access_key = Secret(kSecret);
  credentials.session_token = Secret(c.token);
  return credentials;
}

SigningParams params_of(const Case& c) {
  SigningParams params;
  params.region = c.region;
  params.service = c.service;
  params.unix_time = kTime;
  params.normalize_path = !c.s3;
  params.double_encode = !c.s3;
  params.content_sha256_header = c.s3;
  params.omit_session_token = c.token_unsigned;
  params.expires_seconds = kExpires;
  return params;
}

SignableRequest request_of(const Case& c) {
  SignableRequest request;
  request.method = c.method;
  request.path = c.path;
  request.query = c.query;
  request.headers = c.headers;
  request.body = c.body;
  return request;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs lowered_sorted(const HttpHeaders& headers) {
  Pairs out;
  for (const auto& [name, value] : headers) out.emplace_back(to_lower(name), value);
  std::sort(out.begin(), out.end());
  return out;
}

Pairs pairs_of(const Json& array) {
  Pairs out;
  for (const Json& pair : array.items()) out.emplace_back(pair[0].as_string(), pair[1].as_string());
  return out;
}

TEST(SigV4Botocore, BotocoreAnsweredEveryCase) {
  const Json& answers = botocore_answers();
  std::vector<Case> all = cases();
  ASSERT_EQ(answers.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(answers[i].get_string("name"), all[i].name);
}

TEST(SigV4Botocore, HeaderForm) {
  const Json& answers = botocore_answers();
  std::vector<Case> all = cases();
  ASSERT_EQ(answers.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    const Case& c = all[i];
    SCOPED_TRACE(c.name);
    const Json& expected = answers[i].get("header");
    Signature s = sign_with_headers(request_of(c), credentials_of(c), params_of(c));
    EXPECT_EQ(s.canonical_request, expected.get_string("canonical_request"));
    EXPECT_EQ(s.string_to_sign, expected.get_string("string_to_sign"));
    EXPECT_EQ(s.signature, expected.get_string("signature"));
    HttpHeaders expected_added;
    for (const auto& [name, value] : pairs_of(expected.get("added_headers"))) expected_added.emplace_back(name, value);
    EXPECT_EQ(lowered_sorted(s.added_headers), lowered_sorted(expected_added));
  }
}

TEST(SigV4Botocore, QueryForm) {
  const Json& answers = botocore_answers();
  std::vector<Case> all = cases();
  ASSERT_EQ(answers.size(), all.size());
  int checked = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const Case& c = all[i];
    if (!c.query_form) continue;
    SCOPED_TRACE(c.name);
    const Json& expected = answers[i].get("query");
    ASSERT_TRUE(expected.is_object());
    Signature s = sign_with_query(request_of(c), credentials_of(c), params_of(c));
    EXPECT_EQ(s.canonical_request, expected.get_string("canonical_request"));
    EXPECT_EQ(s.string_to_sign, expected.get_string("string_to_sign"));
    EXPECT_EQ(s.signature, expected.get_string("signature"));
    Pairs ours;
    for (const auto& part : split(s.signed_query, '&')) {
      size_t eq = part.find('=');
      ours.emplace_back(uri_decode(part.substr(0, eq)), eq == std::string::npos ? "" : uri_decode(part.substr(eq + 1)));
    }
    std::sort(ours.begin(), ours.end());
    EXPECT_EQ(ours, pairs_of(expected.get("query_parameters")));
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

// The cases cover what the AWS suite covers; this keeps them from being trimmed by accident.
TEST(SigV4Botocore, CoversTheSuitesEdgeCases) {
  std::map<std::string, int> kinds;
  for (const Case& c : cases()) {
    std::string kind = c.name.substr(0, c.name.find('-'));
    ++kinds[kind];
  }
  EXPECT_GE(kinds["header"], 5);
  EXPECT_GE(kinds["path"], 8);
  EXPECT_GE(kinds["query"], 6);
  EXPECT_GE(kinds["post"], 4);
  EXPECT_GE(kinds["token"], 3);
  EXPECT_GE(kinds["s3"], 2);
}

}  // namespace
}  // namespace taupage
