#include "steps/container_lifecycle.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config/config_reader.h"
#include "docker/fingerprint.h"
#include "support/fake_docker.h"
#include "util/files.h"

namespace taupage {
namespace {

using testing::FakeDocker;

const char* kBase =
    "#taupage-ami-config\n"
    "application_id: shop\n"
    "application_version: \"1\"\n"
    "runtime: Docker\n"
    "source: reg.example.org/team/shop:1.0\n"
    "ports:\n  80: 8080\n"
    "environment:\n  MODE: live\n  DB_PASSWORD: aws:kms:AQICAHh0ZXN0\n";

struct LifecycleTest : ::testing::Test {
  void SetUp() override {
    char dir[] = "/tmp/dk-lifecycle-XXXXXX";
    ASSERT_TRUE(mkdtemp(dir));
    root = dir;
    docker.images["reg.example.org/team/shop:1.0"] = DockerImage{"sha256:1111", {}, 100};
    secrets["DB_PASSWORD"] = Secret("s3cr3t-value");
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + root + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  Config config(const std::string& extra = "") {
    ConfigRead read = read_config(std::string(kBase) + extra);
    EXPECT_TRUE(read.config.has_value());
    return *read.config;
  }
  Result<ContainerResult> ensure(const Config& c, const std::string& image_id = "sha256:1111") {
    ContainerRequest request{c, HostFacts{root, ""}, secrets, DockerImage{image_id, {}, 100}};
    request.new_key = [&] { return keys.empty() ? std::string(32, 'a') : keys.front(); };
    return ensure_container(
        docker, request, [&](const std::string& l) { said.push_back(l); }, [&](const std::string& l) { warned.push_back(l); });
  }
  size_t count_calls(const std::string& prefix) {
    size_t n = 0;
    for (const auto& c : docker.calls) n += c.rfind(prefix, 0) == 0;
    return n;
  }

  std::string root;
  FakeDocker docker;
  SecretValues secrets;
  std::vector<std::string> keys;
  std::vector<std::string> said, warned;
};

TEST_F(LifecycleTest, NoContainerCreatesAndStartsOneWithItsFingerprint) {
  auto r = ensure(config());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->action, ContainerAction::Created);
  ASSERT_NE(docker.app(), nullptr);
  EXPECT_EQ(docker.app()->state.status, "running");
  EXPECT_EQ(r->id, docker.app()->state.id);
  // The secret reaches Docker in the body, and nothing else.
  EXPECT_NE(docker.app()->body.find("DB_PASSWORD=s3cr3t-value"), std::string::npos);
  EXPECT_EQ(r->detail.find("s3cr3t"), std::string::npos);
  auto fingerprint = Fingerprint::from_labels(docker.app()->state.labels);
  ASSERT_TRUE(fingerprint);
  for (const auto& [k, v] : docker.app()->state.labels) EXPECT_EQ(v.find("s3cr3t"), std::string::npos) << k;
  EXPECT_TRUE(path_exists(root + "/meta/credentials"));
  EXPECT_EQ(warned, std::vector<std::string>{"Docker: fake warning"});
}

TEST_F(LifecycleTest, UnchangedAndRunningIsKeptWithTheSameId) {
  auto first = ensure(config());
  ASSERT_TRUE(first);
  keys = {std::string(32, 'b')};  // a new key would change nothing: the stored one is used
  auto second = ensure(config());
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->action, ContainerAction::Kept);
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(count_calls("create"), 1u);
  EXPECT_EQ(count_calls("stop"), 0u);
}

TEST_F(LifecycleTest, UnchangedAndStoppedIsStarted) {
  auto first = ensure(config());
  ASSERT_TRUE(first);
  docker.app()->state.status = "exited";
  docker.app()->state.running = false;
  auto second = ensure(config());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->action, ContainerAction::Started);
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(docker.app()->state.status, "running");
}

TEST_F(LifecycleTest, ChangedEnvironmentRecreatesAndSaysWhat) {
  auto first = ensure(config());
  ASSERT_TRUE(first);
  auto second = ensure(config("  EXTRA: 1\n"));
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->action, ContainerAction::Recreated);
  EXPECT_NE(second->id, first->id);
  EXPECT_NE(second->detail.find("changed: Env"), std::string::npos) << second->detail;
  EXPECT_EQ(docker.containers.size(), 1u);
  EXPECT_EQ(count_calls("stop"), 1u);
  EXPECT_EQ(count_calls("remove"), 1u);
}

TEST_F(LifecycleTest, ChangedSecretValueRecreates) {
  ASSERT_TRUE(ensure(config()));
  secrets["DB_PASSWORD"] = Secret("another-value");
  auto second = ensure(config());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->action, ContainerAction::Recreated);
  EXPECT_NE(second->detail.find("Env"), std::string::npos);
  EXPECT_EQ(second->detail.find("another-value"), std::string::npos);
}

TEST_F(LifecycleTest, ChangedPortRecreates) {
  ASSERT_TRUE(ensure(config()));
  ConfigRead read = read_config(
      "#taupage-ami-config\napplication_id: shop\napplication_version: \"1\"\nruntime: Docker\n"
      "source: reg.example.org/team/shop:1.0\nports:\n  81: 8080\n"
      "environment:\n  MODE: live\n  DB_PASSWORD: aws:kms:AQICAHh0ZXN0\n");
  ASSERT_TRUE(read.config);
  auto second = ensure(*read.config);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->action, ContainerAction::Recreated);
  EXPECT_NE(second->detail.find("HostConfig.PortBindings"), std::string::npos) << second->detail;
}

TEST_F(LifecycleTest, ANewImageUnderTheSameTagRecreates) {
  ASSERT_TRUE(ensure(config()));
  docker.images["reg.example.org/team/shop:1.0"] = DockerImage{"sha256:2222", {}, 100};
  auto second = ensure(config(), "sha256:2222");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->action, ContainerAction::Recreated);
  EXPECT_NE(second->detail.find("image 1111 -> 2222"), std::string::npos) << second->detail;
}

TEST_F(LifecycleTest, AContainerWithoutOurFingerprintIsReplaced) {
  ASSERT_TRUE(ensure(config()));
  docker.app()->state.labels.clear();
  auto second = ensure(config());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->action, ContainerAction::Recreated);
  EXPECT_NE(second->detail.find("not made by this version"), std::string::npos);
}

TEST_F(LifecycleTest, ADeadContainerIsReplaced) {
  ASSERT_TRUE(ensure(config()));
  docker.app()->state.status = "dead";
  docker.app()->state.running = false;
  auto second = ensure(config());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->action, ContainerAction::Recreated);
}

TEST_F(LifecycleTest, MissingSecretOrMountSourceChangesNothing) {
  secrets.clear();
  auto r = ensure(config());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("DB_PASSWORD is not decrypted"), std::string::npos) << r.error().message();
  EXPECT_TRUE(docker.calls.empty());

  secrets["DB_PASSWORD"] = Secret("x");
  auto no_mount = ensure(config("mounts:\n  /data:\n    partition: none\n    filesystem: tmpfs\n"));
  ASSERT_FALSE(no_mount);
  EXPECT_NE(no_mount.error().message().find("/mounts/data is missing"), std::string::npos) << no_mount.error().message();
  EXPECT_TRUE(docker.calls.empty());
  ASSERT_TRUE(make_dirs(root + "/mounts/data"));
  EXPECT_TRUE(ensure(config("mounts:\n  /data:\n    partition: none\n    filesystem: tmpfs\n")));
}

TEST_F(LifecycleTest, AFailedStartSaysDockersReasonAndLeavesTheContainerForInspection) {
  docker.failures["start"] = {"POST /containers/x/start: HTTP 500: unable to apply caps: operation not permitted"};
  auto r = ensure(config());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("unable to apply caps"), std::string::npos);
  ASSERT_NE(docker.app(), nullptr);
  EXPECT_EQ(docker.app()->state.status, "created");
  // The next boot starts it (same spec) instead of creating another one.
  auto again = ensure(config());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->action, ContainerAction::Started);
}

TEST_F(LifecycleTest, AFailedRemoveStopsBeforeCreating) {
  ASSERT_TRUE(ensure(config()));
  docker.failures["remove"] = {"DELETE /containers/x: HTTP 500: device busy"};
  auto r = ensure(config("  EXTRA: 1\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("device busy"), std::string::npos);
  EXPECT_EQ(count_calls("create"), 1u);
}

}  // namespace
}  // namespace taupage
