#include "steps/step_ssh.h"

#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "config/config_reader.h"
#include "util/files.h"

namespace taupage {
namespace {

class SshStepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/fw-ssh-step-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    ASSERT_TRUE(make_dirs(root_ + "/etc/ssh"));
  }
  void TearDown() override {
    std::string command = "rm -rf '" + root_ + "'";
    ASSERT_EQ(::system(command.c_str()), 0);
  }
  Outcome run(const std::string& ssh_ports) {
    auto read = read_config(
        "#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: r.example.org/a/b:1\n" + ssh_ports);
    config_ = *read.config;
    Context context(config_, real_clock());
    context.settings.root = root_;
    return step_->run(context);
  }
  std::string read(const std::string& path) { return read_file(root_ + path).value(); }

  std::string root_;
  Config config_;
  std::unique_ptr<Step> step_ = make_ssh_step();
};

TEST_F(SshStepTest, WritesTheDropInAndFixesTheMainFileThenKeeps) {
  ASSERT_TRUE(write_file_atomic(root_ + "/etc/ssh/sshd_config", "Port 2200\nUsePAM yes\n", 0600));
  Outcome first = run("ssh_ports: [22, 2222]\n");
  EXPECT_EQ(first.kind, OutcomeKind::Created) << first.detail;
  EXPECT_EQ(read("/etc/ssh/sshd_config.d/taupage.conf"),
            "# Written by taupage from ssh_ports in the user data; replaced on every boot.\nPort 22\nPort 2222\n");
  std::string main = read("/etc/ssh/sshd_config");
  EXPECT_NE(main.find("\nInclude /etc/ssh/sshd_config.d/*.conf\n# Port 2200  # commented out by taupage"), std::string::npos) << main;
  struct stat st {};
  ASSERT_EQ(::stat((root_ + "/etc/ssh/sshd_config").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Outcome second = run("ssh_ports: [22, 2222]\n");
  EXPECT_EQ(second.kind, OutcomeKind::Kept) << second.detail;
  EXPECT_EQ(read("/etc/ssh/sshd_config"), main);

  Outcome third = run("ssh_ports: 2022\n");
  EXPECT_EQ(third.kind, OutcomeKind::Changed) << third.detail;
  EXPECT_EQ(read("/etc/ssh/sshd_config.d/taupage.conf"),
            "# Written by taupage from ssh_ports in the user data; replaced on every boot.\nPort 2022\n");
}

TEST_F(SshStepTest, DescribeNamesThePorts) {
  auto read =
      read_config("#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: r.example.org/a/b:1\n");
  auto actions = step_->describe(*read.config);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].text.rfind("sshd on port 22 ", 0), 0u) << actions[0].text;
  EXPECT_EQ(actions[0].source, "default");
}

}  // namespace
}  // namespace taupage
