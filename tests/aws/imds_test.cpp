#include "aws/imds.h"

#include <gtest/gtest.h>

#include "aws/credentials_provider.h"
#include "support/aws_fakes.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

using testing::FakeHttpClient;
using testing::make_response;
using testing::ManualClock;

// A little IMDS: tokens, 401 without one, values by path.
struct FakeImds {
  FakeHttpClient http;
  ManualClock clock;
  int token_puts = 0;
  std::string valid_token = "tok-1";
  std::map<std::string, std::string> values = {
      {"/latest/dynamic/instance-identity/document",
       R"({"region":"eu-central-1","availabilityZone":"eu-central-1a","instanceId":"i-1","accountId":"1"})"},
      {"/latest/meta-data/iam/security-credentials/", "role-a\n"},
  };
  FakeImds() {
    http.handler = [this](const Endpoint&, const HttpRequest& r) -> Result<HttpResponse> {
      if (r.method == "PUT") {
        ++token_puts;
        std::string ttl;
        for (auto& h : r.headers)
          if (h.first == "X-aws-ec2-metadata-token-ttl-seconds") ttl = h.second;
        if (ttl != "21600") return make_response(400, "");
        return make_response(200, valid_token);
      }
      std::string token;
      for (auto& h : r.headers)
        if (h.first == "X-aws-ec2-metadata-token") token = h.second;
      if (token != valid_token) return make_response(401, "");
      auto it = values.find(r.target);
      return it == values.end() ? make_response(404, "") : make_response(200, it->second);
    };
  }
};

TEST(Imds, TokenIsReusedAndRenewedOn401) {
  FakeImds f;
  Imds imds(f.http, f.clock, fixed_environment({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1234/"}}));
  auto id = imds.identity();
  ASSERT_TRUE(id) << id.error().message();
  EXPECT_EQ(id->region, "eu-central-1");
  EXPECT_EQ(id->instance_id, "i-1");
  EXPECT_TRUE(imds.role_name());
  EXPECT_EQ(f.token_puts, 1);
  EXPECT_EQ(f.http.requests[0].endpoint.port, 1234);
  f.valid_token = "tok-2";  // the session ended
  auto role = imds.role_name();
  ASSERT_TRUE(role);
  EXPECT_EQ(**role, "role-a");
  EXPECT_EQ(f.token_puts, 2);
}

TEST(Imds, UserDataAbsentIs404) {
  FakeImds f;
  Imds imds(f.http, f.clock, fixed_environment({}));
  auto ud = imds.user_data();
  ASSERT_TRUE(ud);
  EXPECT_FALSE(ud->has_value());
  f.values["/latest/user-data"] = "#taupage-ami-config\n";
  EXPECT_EQ(**imds.user_data(), "#taupage-ami-config\n");
  EXPECT_EQ(f.http.requests[0].endpoint.host, "169.254.169.254");
}

TEST(Imds, GivesUpAtTheDeadlineWithProgressLines) {
  FakeHttpClient http;
  ManualClock clock;
  int sends = 0;
  http.handler = [&](const Endpoint&, const HttpRequest& r) -> Result<HttpResponse> {
    ++sends;
    clock.advance_ms(r.timeout_ms);  // every attempt times out
    return Error("timed out");
  };
  std::vector<std::string> lines;
  Log::set_sink([&](LogLevel, const std::string& line) { lines.push_back(line); });
  Imds imds(http, clock, fixed_environment({}), ImdsOptions{30000, 2000, 60});
  auto r = imds.get("/latest/meta-data/instance-id");
  Log::set_sink({});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("after 30s"), std::string::npos) << r.error().message();
  EXPECT_LE(clock.monotonic_ms(), 30000);
  EXPECT_GT(sends, 5);
  EXPECT_LT(sends, 30);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("waiting for the instance metadata service"), std::string::npos);
}

TEST(Imds, ServerErrorsAreRetriedClientErrorsAreNot) {
  FakeImds f;
  int failures = 2;
  auto inner = f.http.handler;
  f.http.handler = [&](const Endpoint& e, const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "GET" && failures > 0) {
      --failures;
      return make_response(503, "");
    }
    if (r.target == "/forbidden") return make_response(403, "");
    return inner(e, r);
  };
  Imds imds(f.http, f.clock, fixed_environment({}));
  EXPECT_TRUE(imds.identity());
  auto forbidden = imds.get("/forbidden");
  ASSERT_FALSE(forbidden);
  EXPECT_NE(forbidden.error().message().find("HTTP 403"), std::string::npos);
}

TEST(Imds, ATokenWithControlCharactersIsRefusedAtOnceAndNeverSent) {
  FakeImds f;
  f.valid_token = "tok-1\r\nX-Injected: 1";
  Imds imds(f.http, f.clock, fixed_environment({}));
  auto r = imds.get("/latest/meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("control character"), std::string::npos) << r.error().message();
  EXPECT_EQ(f.token_puts, 1);
  EXPECT_EQ(f.http.requests.size(), 1u) << "the token went out in a request";
  // Not cached: the next value asks for a token again, and a good one is taken.
  f.valid_token = "tok-2";
  f.values["/latest/meta-data/instance-id"] = "i-1";
  auto again = imds.get("/latest/meta-data/instance-id");
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(*again, "i-1");
  EXPECT_EQ(f.token_puts, 2);
}

TEST(Imds, AClientErrorFromTheTokenEndpointIsFinalAndSaysWhatToCheck) {
  for (int status : {400, 403, 404, 405}) {
    FakeImds f;
    auto inner = f.http.handler;
    f.http.handler = [&](const Endpoint& e, const HttpRequest& r) -> Result<HttpResponse> {
      if (r.method == "PUT") {
        ++f.token_puts;
        return make_response(status, "");
      }
      return inner(e, r);
    };
    Imds imds(f.http, f.clock, fixed_environment({}));
    auto r = imds.get("/latest/meta-data/instance-id");
    ASSERT_FALSE(r) << status;
    EXPECT_EQ(f.token_puts, 1) << status;
    EXPECT_TRUE(f.clock.sleeps.empty()) << status;
    const std::string& m = r.error().message();
    EXPECT_NE(m.find(strfmt("HTTP %d", status)), std::string::npos) << m;
    EXPECT_NE(m.find("HttpEndpoint"), std::string::npos) << m;
    EXPECT_NE(m.find("HttpPutResponseHopLimit"), std::string::npos) << m;
    EXPECT_EQ(m.find("no answer"), std::string::npos) << m;
  }
}

TEST(Imds, ThrottlingAndServerErrorsFromTheTokenEndpointAreRetried) {
  FakeImds f;
  std::vector<int> answers = {429, 503};
  auto inner = f.http.handler;
  f.http.handler = [&](const Endpoint& e, const HttpRequest& r) -> Result<HttpResponse> {
    if (r.method == "PUT" && !answers.empty()) {
      int status = answers.front();
      answers.erase(answers.begin());
      return make_response(status, "");
    }
    return inner(e, r);
  };
  Imds imds(f.http, f.clock, fixed_environment({}));
  auto id = imds.identity();
  ASSERT_TRUE(id) << id.error().message();
  EXPECT_EQ(f.clock.sleeps.size(), 2u);
}

TEST(Imds, WaitsTheWholeDeadlineWhenRefusedAtOnceAndSaysHowLong) {
  FakeHttpClient http;
  ManualClock clock;
  http.handler = [](const Endpoint&, const HttpRequest&) -> Result<HttpResponse> {
    return Error("connect 169.254.169.254:80: Connection refused");  // the network is not up yet
  };
  Imds imds(http, clock, fixed_environment({}));
  auto r = imds.get("/latest/meta-data/instance-id");
  ASSERT_FALSE(r);
  EXPECT_GE(clock.monotonic_ms(), 119000);
  EXPECT_LE(clock.monotonic_ms(), 120000);
  const std::string& m = r.error().message();
  EXPECT_NE(m.find(strfmt("after %llds and %zu attempts", static_cast<long long>(clock.monotonic_ms() / 1000), http.requests.size())),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Connection refused"), std::string::npos) << m;
}

TEST(Imds, AnOversizedIdentityDocumentIsNamedAsSuch) {
  FakeImds f;
  f.values["/latest/dynamic/instance-identity/document"] =
      R"({"region":"eu-central-1","instanceId":"i-1","pad":")" + std::string(70 * 1024, 'x') + "\"}";
  Imds imds(f.http, f.clock, fixed_environment({}));
  auto id = imds.identity();
  ASSERT_FALSE(id);
  EXPECT_NE(id.error().message().find("over the limit"), std::string::npos) << id.error().message();
  EXPECT_EQ(id.error().message().find("not a JSON object"), std::string::npos) << id.error().message();
}

TEST(Credentials, EnvironmentFirstThenRoleRefreshedBeforeExpiry) {
  FakeImds f;
  int64_t expires = f.clock.unix_seconds() + 3600;
  auto role_json = [&](const std::string& key) {
    return R"({"Code":"Success","AccessKeyId":")" + key + R"(","SecretAccessKey":"s","Token":"t","Expiration":")" + iso8601_utc(expires) +
           "\"}";
  };
  f.values["/latest/meta-data/iam/security-credentials/role-a"] = role_json("ASIA1");
  Imds imds(f.http, f.clock, fixed_environment({}));
  DefaultCredentials env_creds(
      fixed_environment({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "S"}, {"AWS_SESSION_TOKEN", "T"}}), imds, f.clock);
  auto e = env_creds.get();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->access_key_id, "AKID");
  EXPECT_EQ(e->session_token.reveal(), "T");
  EXPECT_TRUE(f.http.requests.empty());
  EXPECT_FALSE(DefaultCredentials(fixed_environment({{"AWS_ACCESS_KEY_ID", "AKID"}}), imds, f.clock).get());

  DefaultCredentials role(fixed_environment({}), imds, f.clock);
  auto first = role.get();
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->access_key_id, "ASIA1");
  EXPECT_EQ(first->expiration, expires);
  f.values["/latest/meta-data/iam/security-credentials/role-a"] = role_json("ASIA2");
  EXPECT_EQ(role.get()->access_key_id, "ASIA1");  // still fresh: cached
  f.clock.advance_ms((3600 - 299) * 1000LL);      // within 5 minutes of expiry
  EXPECT_EQ(role.get()->access_key_id, "ASIA2");
  role.invalidate();
  f.values["/latest/meta-data/iam/security-credentials/role-a"] = role_json("ASIA3");
  EXPECT_EQ(role.get()->access_key_id, "ASIA3");
  f.values["/latest/meta-data/iam/security-credentials/"] = "";
  role.invalidate();
  auto none = role.get();
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message().find("no IAM role"), std::string::npos);
}

TEST(Imds, ParsesExpiration) {
  EXPECT_EQ(parse_iso8601_utc("1970-01-01T00:01:00Z"), 60);
  EXPECT_EQ(parse_iso8601_utc("1970-01-01T00:01:00.123Z"), 60);
  EXPECT_FALSE(parse_iso8601_utc("soon"));
  EXPECT_FALSE(parse_iso8601_utc("1970-01-01T00:01:00+01:00"));
}

}  // namespace
}  // namespace taupage
