#include "host/sshd_ports.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>

#include "util/files.h"

namespace taupage {
namespace {

using Ports = std::vector<uint16_t>;

TEST(SshdPorts, ScansPortListenAddressAndInclude) {
  auto lines = scan_sshd_port_lines(
      "# Port 1\nPort 2200\n  port=2201\nListenAddress 10.0.0.1:2202\nListenAddress [::]:2203 rdomain x\n"
      "ListenAddress 0.0.0.0\nListenAddress ::1\nInclude /etc/ssh/sshd_config.d/*.conf  extra.conf\nPort seventy\nPort 70000\n");
  EXPECT_EQ(lines.ports, (Ports{2200, 2201, 2202, 2203}));
  EXPECT_EQ(lines.includes, (std::vector<std::string>{"/etc/ssh/sshd_config.d/*.conf", "extra.conf"}));
  ASSERT_EQ(lines.ignored.size(), 2u);
  EXPECT_NE(lines.ignored[0].find("\"Port seventy\" (not a port number)"), std::string::npos) << lines.ignored[0];
}

class SshdPortsRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/sshd-ports-XXXXXX";
    root_ = ::mkdtemp(dir);
  }
  void TearDown() override { EXPECT_EQ(std::system(("rm -rf " + root_).c_str()), 0); }
  void write(const std::string& path, const std::string& text) {
    ASSERT_TRUE(make_dirs(root_ + path.substr(0, path.rfind('/'))));
    ASSERT_TRUE(write_file_atomic(root_ + path, text));
  }
  std::string root_;
};

TEST_F(SshdPortsRoot, NoConfigurationIsSshdsDefault22) {
  SshdPorts ports = sshd_listen_ports(root_);
  EXPECT_EQ(ports.ports, (Ports{22}));
  EXPECT_TRUE(ports.defaulted);
  EXPECT_TRUE(ports.files.empty());
  write("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n#Port 22\nPasswordAuthentication no\n");
  ports = sshd_listen_ports(root_);
  EXPECT_EQ(ports.ports, (Ports{22}));
  EXPECT_TRUE(ports.defaulted);
  EXPECT_EQ(ports.files, (std::vector<std::string>{root_ + "/etc/ssh/sshd_config"}));
}

// What the ssh step leaves behind: the main file's Port commented out, the ports in the drop-in.
// Reading the main file alone would answer 22 and lock the operator out of 2222.
TEST_F(SshdPortsRoot, FollowsIncludesUnderTheRootInSortedOrder) {
  write("/etc/ssh/sshd_config",
        "Include /etc/ssh/sshd_config.d/*.conf\n# Port 22  # commented out by taupage: ports come from ssh_ports\n");
  write("/etc/ssh/sshd_config.d/taupage.conf", "# Written by taupage\nPort 2222\n");
  SshdPorts ports = sshd_listen_ports(root_);
  EXPECT_EQ(ports.ports, (Ports{2222}));
  EXPECT_FALSE(ports.defaulted);
  // Relative includes are read from /etc/ssh; matches in sorted order; every port once.
  write("/etc/ssh/sshd_config", "Port 2200\nInclude sshd_config.d/*.conf more.conf\nPort 2222\n");
  write("/etc/ssh/sshd_config.d/10-first.conf", "Port 2210\n");
  write("/etc/ssh/more.conf", "ListenAddress 192.0.2.1:2230\n");
  ports = sshd_listen_ports(root_);
  EXPECT_EQ(ports.ports, (Ports{2200, 2210, 2222, 2230}));
  EXPECT_EQ(ports.files.size(), 4u);
}

TEST_F(SshdPortsRoot, AnIncludeLoopEndsAtSshdsDepthLimit) {
  write("/etc/ssh/sshd_config", "Port 2200\nInclude loop.conf\n");
  write("/etc/ssh/loop.conf", "Include loop.conf\n");
  SshdPorts ports = sshd_listen_ports(root_);
  EXPECT_EQ(ports.ports, (Ports{2200}));
  ASSERT_FALSE(ports.notes.empty());
  EXPECT_NE(ports.notes.back().find("nested more than 16 deep"), std::string::npos) << ports.notes.back();
}

}  // namespace
}  // namespace taupage
