// The steps behind the original's host options: meta (the user data in /meta), sysctl (through
// a /proc/sys tree of plain files under a temporary root) and shutdown (a fake Docker and a fake
// power switch).
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "config/config_reader.h"
#include "steps/step_meta.h"
#include "steps/step_shutdown.h"
#include "steps/step_sysctl.h"
#include "support/fake_docker.h"
#include "support/manual_clock.h"
#include "util/files.h"

namespace taupage {
namespace {

const std::string kHead =
    "#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: r.example.org/a/b:1\n";

class HostOptionSteps : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/host-option-steps-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::string command = "rm -rf '" + root_ + "'";
    ASSERT_EQ(::system(command.c_str()), 0);
  }
  Outcome run(Step& step, const std::string& extra, testing::FakeDocker* docker = nullptr) {
    auto read = read_config(kHead + extra);
    EXPECT_TRUE(read.config) << (read.diagnostics.empty() ? "" : read.diagnostics[0].render());
    config_ = *read.config;
    Context context(config_, clock_);
    context.settings.root = root_;
    context.services.docker = docker;
    return step.run(context);
  }
  std::string text(const std::string& path) {
    auto content = read_file(root_ + path);
    return content ? *content : "(missing)";
  }
  struct stat stat_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat((root_ + path).c_str(), &st), 0) << path;
    return st;
  }
  void proc(const std::string& key_path, const std::string& value) {
    std::string path = root_ + "/proc/sys/" + key_path;
    ASSERT_TRUE(make_dirs(path.substr(0, path.rfind('/'))));
    ASSERT_TRUE(write_file_atomic(path, value));
  }

  std::string root_;
  Config config_;
  ManualClock clock_;
};

TEST_F(HostOptionSteps, MetaWritesTheUserDataAsReceivedForTheApplicationOnly) {
  auto step = make_meta_step();
  std::string extra = "environment: {DB: \"aws:kms:AQIDBA==\"}\nhystrix: {timeout: 5}\n";
  Outcome first = run(*step, extra);
  EXPECT_EQ(first.kind, OutcomeKind::Created) << first.detail;
  EXPECT_EQ(text("/meta/taupage.yaml"), kHead + extra);  // the ciphertext stays, unknown keys stay
  struct stat file = stat_of("/meta/taupage.yaml");
  EXPECT_EQ(file.st_mode & 07777, 0640u);
  EXPECT_EQ(file.st_uid, 0u);
  EXPECT_EQ(file.st_gid, 999u);
  struct stat folder = stat_of("/meta");
  EXPECT_EQ(folder.st_mode & 07777, 0750u);
  EXPECT_EQ(folder.st_gid, 999u);
  ino_t inode = file.st_ino;

  Outcome again = run(*step, extra);
  EXPECT_EQ(again.kind, OutcomeKind::Kept) << again.detail;
  EXPECT_EQ(stat_of("/meta/taupage.yaml").st_ino, inode);  // unchanged: not rewritten

  ASSERT_EQ(::chmod((root_ + "/meta/taupage.yaml").c_str(), 0644), 0);
  Outcome loosened = run(*step, extra);
  EXPECT_EQ(loosened.kind, OutcomeKind::Changed) << loosened.detail;
  EXPECT_EQ(stat_of("/meta/taupage.yaml").st_mode & 07777, 0640u);

  Outcome changed = run(*step, extra + "other: 1\n");
  EXPECT_EQ(changed.kind, OutcomeKind::Changed);
  EXPECT_EQ(text("/meta/taupage.yaml"), kHead + extra + "other: 1\n");
  EXPECT_NE(stat_of("/meta/taupage.yaml").st_ino, inode);  // replaced by rename, never half-written
}

TEST_F(HostOptionSteps, MetaRefusesASymbolicLink) {
  ASSERT_TRUE(make_dirs(root_ + "/meta"));
  ASSERT_EQ(::symlink("/etc/passwd", (root_ + "/meta/taupage.yaml").c_str()), 0);
  auto step = make_meta_step();
  Outcome o = run(*step, "");
  EXPECT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("symbolic link"), std::string::npos) << o.detail;
}

TEST_F(HostOptionSteps, SysctlWritesWhatDiffersAndKeepsTheRest) {
  proc("net/core/somaxconn", "128\n");
  proc("net/ipv4/tcp_rmem", "4096\t87380\t6291456\n");
  auto step = make_sysctl_step();
  Outcome o = run(*step, "sysctl:\n  net.core.somaxconn: 4096\n  net.ipv4.tcp_rmem: 4096 87380 6291456\n");
  EXPECT_EQ(o.kind, OutcomeKind::Changed) << o.detail;
  EXPECT_EQ(text("/proc/sys/net/core/somaxconn"), "4096\n");
  EXPECT_NE(o.detail.find("net.core.somaxconn = 4096 (was 128)"), std::string::npos) << o.detail;
  EXPECT_NE(o.detail.find("net.ipv4.tcp_rmem = 4096 87380 6291456 kept"), std::string::npos) << o.detail;
  EXPECT_EQ(text("/proc/sys/net/ipv4/tcp_rmem"), "4096\t87380\t6291456\n");  // equal after whitespace: not written
}

TEST_F(HostOptionSteps, SysctlKeyMissingInThisKernelChangesNothing) {
  proc("net/core/somaxconn", "128\n");
  auto step = make_sysctl_step();
  Outcome o = run(*step, "sysctl:\n  net.core.somaxconn: 4096\n  net.netfilter.nf_conntrack_max: 262144\n");
  EXPECT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("net.netfilter.nf_conntrack_max (line 8): this kernel has no such setting"), std::string::npos) << o.detail;
  EXPECT_EQ(text("/proc/sys/net/core/somaxconn"), "128\n");
}

TEST_F(HostOptionSteps, SysctlPlanNamesEachKeyAndLine) {
  auto read = read_config(kHead + "sysctl:\n  vm.max_map_count: 262144\n");
  ASSERT_TRUE(read.config);
  auto actions = make_sysctl_step()->describe(*read.config);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].text, "vm.max_map_count = 262144 (/proc/sys/vm/max_map_count)");
  EXPECT_EQ(actions[0].source, "line 7");
  EXPECT_TRUE(make_sysctl_step()->describe(*read_config(kHead).config).empty());
}

class ShutdownStepTest : public HostOptionSteps {
 protected:
  void SetUp() override {
    HostOptionSteps::SetUp();
    testing::FakeContainer app;
    app.name = "taupageapp";
    app.state.id = "c0ffee000000000000000001";
    app.state.running = true;
    app.state.status = "running";
    docker_.containers[app.state.id] = app;
  }
  std::unique_ptr<Step> step() {
    return make_shutdown_step([this](const std::string& root) {
      power_offs_.push_back(root);
      return Status::Ok();
    });
  }
  testing::FakeDocker docker_;
  std::vector<std::string> power_offs_;
};

TEST_F(ShutdownStepTest, NeverDoesNothing) {
  auto s = step();
  EXPECT_EQ(run(*s, "", &docker_).kind, OutcomeKind::Skipped);
  EXPECT_TRUE(docker_.calls.empty());
  EXPECT_TRUE(s->describe(*read_config(kHead).config).empty());
}

TEST_F(ShutdownStepTest, OnExitWaitsThroughRestartsThenPowersOffWhateverTheCode) {
  int exits = 0;
  docker_.on_wait = [&](testing::FakeContainer& c) {
    // Two failures the restart policy retries (still running), then it gives up with code 3.
    c.state.exit_code = 3;
    if (++exits == 3) {
      c.state.running = false;
      c.state.status = "exited";
    }
  };
  auto s = step();
  Outcome o = run(*s, "shutdown: on-exit\n", &docker_);
  EXPECT_EQ(o.kind, OutcomeKind::Changed) << o.detail;
  EXPECT_EQ(exits, 3);
  EXPECT_EQ(power_offs_, std::vector<std::string>{root_});
  EXPECT_NE(o.detail.find("exited with code 3; power-off requested"), std::string::npos) << o.detail;
}

TEST_F(ShutdownStepTest, OnSuccessPowersOffOnlyOnCodeZero) {
  docker_.on_wait = [](testing::FakeContainer& c) {
    c.state.running = false;
    c.state.exit_code = 1;
  };
  auto s = step();
  Outcome failed_job = run(*s, "shutdown: on-success\n", &docker_);
  EXPECT_EQ(failed_job.kind, OutcomeKind::Kept) << failed_job.detail;
  EXPECT_NE(failed_job.detail.find("code 1; shutdown: on-success, so the machine stays up"), std::string::npos);
  EXPECT_TRUE(power_offs_.empty());

  docker_.app()->state.running = true;
  docker_.on_wait = nullptr;  // exits 0
  docker_.app()->state.exit_code = 0;
  Outcome done = run(*s, "shutdown: on-success\n", &docker_);
  EXPECT_EQ(done.kind, OutcomeKind::Changed) << done.detail;
  EXPECT_EQ(power_offs_.size(), 1u);
}

TEST_F(ShutdownStepTest, AnAlreadyStoppedContainerIsNotWaitedFor) {
  docker_.app()->state.running = false;
  auto s = step();
  EXPECT_EQ(run(*s, "shutdown: on-exit\n", &docker_).kind, OutcomeKind::Changed);
  EXPECT_EQ(docker_.calls, std::vector<std::string>{"inspect_container taupageapp"});
  EXPECT_EQ(power_offs_.size(), 1u);
}

TEST_F(ShutdownStepTest, AWaitThatKeepsFailingFailsTheStepAndTheMachineStaysUp) {
  docker_.failures["wait"] = {"HTTP 500: a", "HTTP 500: b", "HTTP 500: c", "HTTP 500: d", "HTTP 500: e"};
  auto s = step();
  Outcome o = run(*s, "shutdown: on-exit\n", &docker_);
  EXPECT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("waiting for taupageapp: HTTP 500: e; the machine stays up"), std::string::npos) << o.detail;
  EXPECT_TRUE(power_offs_.empty());
}

TEST_F(ShutdownStepTest, NoSystemdIsAClearError) {
  auto off = request_power_off(root_);  // the temporary root has no run/systemd/system
  ASSERT_FALSE(off);
  EXPECT_NE(off.error().message().find("/run/systemd/system is missing"), std::string::npos);
}

}  // namespace
}  // namespace taupage
