#include "storage/block_devices.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "util/files.h"

namespace taupage {
namespace {

TEST(Discovery, FindsAnNvmeNamespaceBySerialInAFakeSysfs) {
  char pattern[] = "/tmp/storage-sysfs-XXXXXX";
  std::string root = mkdtemp(pattern);
  ASSERT_TRUE(make_dirs(root + "/block/nvme0n1/device").ok());
  ASSERT_TRUE(make_dirs(root + "/block/nvme1n1/device").ok());
  ASSERT_TRUE(make_dirs(root + "/block/md127/slaves/nvme1n1").ok());
  ASSERT_TRUE(write_file_atomic(root + "/block/nvme0n1/device/serial", "vol0aaaaaaaaaaaaaaaa\n").ok());
  ASSERT_TRUE(write_file_atomic(root + "/block/nvme1n1/device/serial", "vol0123456789abcdef0    \n").ok());
  EXPECT_EQ(nvme_by_serial(root, "vol0123456789abcdef0"), std::optional<std::string>("nvme1n1"));
  EXPECT_EQ(nvme_by_serial(root, "vol0ffffffffffffffff"), std::nullopt);
  EXPECT_EQ(slaves_of(root, "md127"), std::vector<std::string>{"nvme1n1"});
  (void)std::system(("rm -rf " + root).c_str());
}

TEST(Discovery, ADeviceThatNeverAppearsIsAnErrorAfterTheDeadline) {
  class Fake : public Clock {
   public:
    int64_t unix_seconds() override { return 0; }
    int64_t monotonic_ms() override { return now; }
    void sleep_ms(int64_t ms) override { now += ms; }
    int64_t now = 0;
  } clock;
  RealBlockDevices devices(clock);
  auto found = devices.find("/dev/storage-test-does-not-exist", 2);
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.error().message().find("did not appear within 2 s"), std::string::npos);
  EXPECT_GE(clock.now, 2000);
}

}  // namespace
}  // namespace taupage
