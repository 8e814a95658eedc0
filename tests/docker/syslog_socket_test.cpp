#include "docker/syslog_socket.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "util/files.h"

namespace taupage {
namespace {

int listen_at(const std::string& path, int type) {
  int fd = socket(AF_UNIX, type, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, path.c_str());
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  if (type == SOCK_STREAM) listen(fd, 1);
  return fd;
}

struct SyslogSocketTest : ::testing::Test {
  void SetUp() override {
    char dir[] = "/tmp/dk-syslog-XXXXXX";
    ASSERT_TRUE(mkdtemp(dir));
    root = dir;
    ASSERT_TRUE(make_dirs(root + "/dev"));
    ASSERT_TRUE(make_dirs(root + "/var/run"));
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + root + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  std::string root;
};

TEST_F(SyslogSocketTest, NoSocketNoSyslog) { EXPECT_EQ(find_syslog_address(root), ""); }

TEST_F(SyslogSocketTest, ADatagramSocketAtDevLog) {
  int fd = listen_at(root + "/dev/log", SOCK_DGRAM);
  EXPECT_EQ(find_syslog_address(root), "unixgram://" + root + "/dev/log");
  close(fd);
}

TEST_F(SyslogSocketTest, AStreamSocketAtVarRunSyslog) {
  int fd = listen_at(root + "/var/run/syslog", SOCK_STREAM);
  EXPECT_EQ(find_syslog_address(root), "unix://" + root + "/var/run/syslog");
  close(fd);
}

TEST_F(SyslogSocketTest, AStaleSocketNobodyListensOnIsNoSyslog) {
  int fd = listen_at(root + "/dev/log", SOCK_DGRAM);
  close(fd);
  EXPECT_EQ(find_syslog_address(root), "");
}

}  // namespace
}  // namespace taupage
