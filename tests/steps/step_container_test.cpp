#include "steps/step_container.h"
#include "steps/step_health.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "aws/aws_session.h"
#include "config/config_reader.h"
#include "docker/registry_auth.h"
#include "support/aws_fakes.h"
#include "support/fake_docker.h"
#include "support/manual_clock.h"
#include "util/base64.h"
#include "util/log.h"

namespace taupage {
namespace {

using testing::FakeDocker;

struct ContainerStepTest : ::testing::Test {
  void SetUp() override {
    char dir[] = "/tmp/dk-step-XXXXXX";
    ASSERT_TRUE(mkdtemp(dir));
    root = dir;
    ConfigRead read = read_config(
        "#taupage-ami-config\napplication_id: shop\napplication_version: \"1\"\nruntime: Docker\n"
        "source: reg.example.org/team/shop:1.0\nports:\n  80: 8080\n"
        "environment:\n  DB_PASSWORD: aws:kms:AQICAHh0ZXN0\n");
    ASSERT_TRUE(read.config);
    config = *read.config;
    docker.registry["reg.example.org/team/shop:1.0"] = DockerImage{"sha256:1", {}, 1};
    Log::set_sink([this](LogLevel, const std::string& line) { lines.push_back(line); });
  }
  void TearDown() override {
    Log::set_sink({});
    std::string cmd = "rm -rf '" + root + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  Context context() {
    Context c(config, clock);
    c.settings.root = root;
    c.services.docker = &docker;
    c.settings.docker_config_dir = root + "/no-docker-config";
    c.secrets["DB_PASSWORD"] = Secret("s3cr3t-value");
    return c;
  }
  std::string root;
  Config config;
  FakeDocker docker;
  ManualClock clock;
  std::vector<std::string> lines;
};

TEST_F(ContainerStepTest, CreatedThenKeptAndTheSecretIsNeverLogged) {
  Context c = context();
  ContainerStep step;
  Outcome first = step.run(c);
  EXPECT_EQ(first.kind, OutcomeKind::Created) << first.detail;
  Outcome second = step.run(c);
  EXPECT_EQ(second.kind, OutcomeKind::Kept) << second.detail;
  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines) EXPECT_EQ(line.find("s3cr3t"), std::string::npos) << line;
  for (const auto& d : {first.detail, second.detail}) EXPECT_EQ(d.find("s3cr3t"), std::string::npos) << d;
}

TEST_F(ContainerStepTest, PullFailureWithoutLocalImageFailsAndChangesNothing) {
  docker.registry.clear();
  Context c = context();
  Outcome o = ContainerStep().run(c);
  EXPECT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("manifest unknown"), std::string::npos) << o.detail;
  EXPECT_NE(o.detail.find("no container was changed"), std::string::npos) << o.detail;
  EXPECT_TRUE(docker.containers.empty());
}

TEST_F(ContainerStepTest, HealthIsSkippedWithoutAPath) {
  Context c = context();
  Outcome o = HealthStep().run(c);
  EXPECT_EQ(o.kind, OutcomeKind::Skipped);
  EXPECT_EQ(o.detail, "no health_check_path configured");
  EXPECT_TRUE(HealthStep().describe(config).empty());
}

// An ECR source: GetAuthorizationToken in the registry's region (not the instance's), and its
// login in X-Registry-Auth; when ECR refuses, the pull goes on with config.json's (none here).
TEST_F(ContainerStepTest, AnEcrSourceLogsInThroughEcrInTheRegistrysRegion) {
  const std::string registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
  ConfigRead read = read_config(
      "#taupage-ami-config\napplication_id: shop\napplication_version: \"1\"\nruntime: Docker\nsource: " + registry + "/team/shop:1.0\n");
  ASSERT_TRUE(read.config);
  config = *read.config;
  docker.registry[registry + "/team/shop:1.0"] = DockerImage{"sha256:2", {}, 1};
  testing::FakeHttpClient http;
  std::vector<std::string> ecr_hosts;
  std::string ecr_error;
  http.handler = [&](const Endpoint& e, const HttpRequest& r) -> Result<HttpResponse> {
    if (e.host == "169.254.169.254") {
      if (r.method == "PUT") return testing::make_response(200, "token");
      if (r.target == "/latest/dynamic/instance-identity/document")
        return testing::make_response(200, R"({"region":"eu-central-1","instanceId":"i-9"})");
      return testing::make_response(404, "");
    }
    ecr_hosts.push_back(e.host);
    if (!ecr_error.empty()) return testing::make_response(400, R"({"__type":")" + ecr_error + R"(","message":"no"})");
    return testing::make_response(200, R"({"authorizationData":[{"authorizationToken":")" + base64_encode("AWS:ecr-pw") +
                                           R"(","proxyEndpoint":"https://)" + registry + R"("}]})");
  };
  AwsSession session(http, clock, fixed_environment({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "S"}}), [] { return 0.5; });
  Context c = context();
  c.services.aws = &session;
  Outcome o = ContainerStep().run(c);
  EXPECT_EQ(o.kind, OutcomeKind::Created) << o.detail;
  ASSERT_EQ(ecr_hosts.size(), 1u);
  EXPECT_EQ(ecr_hosts[0], "api.ecr.eu-west-1.amazonaws.com");
  EXPECT_EQ(docker.last_registry_auth, registry_auth_header("AWS", Secret("ecr-pw"), registry).reveal());
  for (const auto& line : lines) EXPECT_EQ(line.find("ecr-pw"), std::string::npos) << line;

  ecr_error = "AccessDeniedException";
  docker.containers.clear();
  Outcome refused = ContainerStep().run(c);
  EXPECT_EQ(refused.kind, OutcomeKind::Created) << refused.detail;
  EXPECT_EQ(docker.last_registry_auth, "");
  bool warned = false;
  for (const auto& line : lines) warned = warned || line.find("ECR GetAuthorizationToken failed") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST_F(ContainerStepTest, PlanLinesPointAtTheirSource) {
  auto actions = ContainerStep().describe(config);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].source, "line 5");
  EXPECT_NE(actions[0].text.find("reg.example.org/team/shop:1.0 as 999:999"), std::string::npos);
}

}  // namespace
}  // namespace taupage
