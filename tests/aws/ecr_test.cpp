#include "aws/ecr.h"

#include <gtest/gtest.h>

#include "support/aws_fakes.h"
#include "util/base64.h"

namespace taupage {
namespace {

using testing::FakeHttpClient;
using testing::ManualClock;

struct EcrFixture {
  EcrFixture(std::map<std::string, std::string> env = {}) : deps(http, credentials, clock, fixed_environment(env), [] { return 0.5; }) {}
  static Credentials creds() {
    Credentials c;
    c.access_key_id = "AKIDTEST";
    c.secret_access_key = Secret("secret");
    return c;
  }
  FakeHttpClient http;
  ManualClock clock;
  StaticCredentials credentials{creds()};
  AwsDeps deps;
};

TEST(Ecr, RegistryNames) {
  auto r = parse_ecr_registry("123456789012.dkr.ecr.eu-central-1.amazonaws.com");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->account, "123456789012");
  EXPECT_EQ(r->region, "eu-central-1");
  EXPECT_TRUE(parse_ecr_registry("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"));
  EXPECT_FALSE(parse_ecr_registry("pierone.example.org"));
  EXPECT_FALSE(parse_ecr_registry("12345.dkr.ecr.eu-central-1.amazonaws.com"));
  EXPECT_FALSE(parse_ecr_registry("123456789012.dkr.ecr.eu-central-1.amazonaws.com.evil.org"));
  EXPECT_FALSE(parse_ecr_registry("127.0.0.1:5000"));
}

TEST(Ecr, GetAuthorizationTokenSignedForEcrAtApiEcr) {
  EcrFixture f;
  f.http.respond(200, R"({"authorizationData":[{"authorizationToken":")" + base64_encode("AWS:ecr-password-123") +
                          R"(","expiresAt":1.7e9,"proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}]})");
  AwsService service(f.deps, "ecr", "eu-west-1");
  auto login = EcrClient(service).login(EcrRegistry{"123456789012", "eu-west-1"});
  ASSERT_TRUE(login) << login.error().message();
  EXPECT_EQ(login->username, "AWS");
  EXPECT_EQ(login->password.reveal(), "ecr-password-123");
  ASSERT_EQ(f.http.requests.size(), 1u);
  const auto& r = f.http.requests[0];
  EXPECT_EQ(r.endpoint.host, "api.ecr.eu-west-1.amazonaws.com");
  EXPECT_EQ(r.header("X-Amz-Target"), "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
  EXPECT_NE(r.header("Authorization").find("/eu-west-1/ecr/aws4_request"), std::string::npos) << r.header("Authorization");
  EXPECT_EQ(r.request.body, R"({"registryIds":["123456789012"]})");
}

TEST(Ecr, EndpointOverrideAndErrors) {
  EcrFixture f(std::map<std::string, std::string>{{"AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:4444"}});
  f.http.respond(400, R"({"__type":"AccessDeniedException","message":"not authorized to perform: ecr:GetAuthorizationToken"})");
  AwsService service(f.deps, "ecr", "eu-west-1");
  auto login = EcrClient(service).login(EcrRegistry{"123456789012", "eu-west-1"});
  ASSERT_FALSE(login);
  EXPECT_NE(login.error().message().find("AccessDeniedException"), std::string::npos) << login.error().message();
  EXPECT_EQ(f.http.requests[0].endpoint.port, 4444);

  f.http.respond(200, R"({"authorizationData":[]})");
  EXPECT_FALSE(EcrClient(service).login(EcrRegistry{"123456789012", "eu-west-1"}));
}

}  // namespace
}  // namespace taupage
