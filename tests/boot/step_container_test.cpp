#include "boot/step_container.h"
#include "boot/step_health.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "config/config_reader.h"
#include "support/fake_docker.h"
#include "support/manual_clock.h"
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
    c.root = root;
    c.docker = &docker;
    c.docker_config_dir = root + "/no-docker-config";
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

TEST_F(ContainerStepTest, PlanLinesPointAtTheirSource) {
  auto actions = ContainerStep().describe(config);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].source, "line 5");
  EXPECT_NE(actions[0].text.find("reg.example.org/team/shop:1.0 as 999:999"), std::string::npos);
}

}  // namespace
}  // namespace taupage
