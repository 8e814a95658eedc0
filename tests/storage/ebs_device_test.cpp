// EbsDeviceLocator over a fake sysfs and /dev in a temporary folder: NVMe by serial (space
// padded, as the kernel shows it), Xen by the kernel's own disk name, the node required, and
// the /dev/sdX and /dev/xvdX links made once, never over another device.
#include "storage/ebs_device.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "util/files.h"

namespace taupage {
namespace {

class EbsDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/volumes-ebsdev.XXXXXX";
    root_ = mkdtemp(pattern);
    sys_ = root_ + "/sys";
    dev_ = root_ + "/dev";
    ASSERT_TRUE(make_dirs(sys_ + "/block"));
    ASSERT_TRUE(make_dirs(dev_));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void nvme(const std::string& name, const std::string& serial, bool node = true) {
    ASSERT_TRUE(make_dirs(sys_ + "/block/" + name + "/device"));
    ASSERT_TRUE(write_file_atomic(sys_ + "/block/" + name + "/device/serial", serial + "\n"));
    if (node) {
      ASSERT_TRUE(write_file_atomic(dev_ + "/" + name, ""));
    }
  }
  void xen(const std::string& name) {
    ASSERT_TRUE(make_dirs(sys_ + "/block/" + name));
    ASSERT_TRUE(write_file_atomic(dev_ + "/" + name, ""));
  }
  std::string link_of(const std::string& name) {
    char buf[256];
    ssize_t n = readlink((dev_ + "/" + name).c_str(), buf, sizeof buf);
    return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
  }

  std::string root_, sys_, dev_;
};

TEST(EbsSlot, ReadsSdAndXvdFormsWithOrWithoutDev) {
  EXPECT_EQ(ebs_slot_of("/dev/sdf"), "f");
  EXPECT_EQ(ebs_slot_of("sdf"), "f");
  EXPECT_EQ(ebs_slot_of("/dev/xvdba"), "ba");
  EXPECT_EQ(ebs_slot_of("xvdg"), "g");
  EXPECT_EQ(ebs_slot_of("/dev/nvme1n1"), "");
  EXPECT_EQ(ebs_slot_of("/dev/sdf1"), "");
  EXPECT_EQ(ebs_nvme_serial("vol-0123456789abcdef0"), "vol0123456789abcdef0");
}

TEST_F(EbsDeviceTest, FindsTheNvmeNamespaceBySerialNotByOrder) {
  nvme("nvme0n1", "vol0aaaaaaaaaaaaaaaa0         ");
  nvme("nvme1n1", "vol0123456789abcdef0");
  EbsDeviceLocator locator(sys_, dev_);
  auto found = locator.find("vol-0123456789abcdef0", "f");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "nvme1n1");
  EXPECT_EQ(found->path, dev_ + "/nvme1n1");
  EXPECT_FALSE(locator.find("vol-0ffffffffffffffff", "g"));
}

TEST_F(EbsDeviceTest, WaitsForTheNodeAsWellAsTheSysfsEntry) {
  nvme("nvme2n1", "vol0123456789abcdef0", /*node=*/false);
  EbsDeviceLocator locator(sys_, dev_);
  EXPECT_FALSE(locator.find("vol-0123456789abcdef0", "f"));
  ASSERT_TRUE(write_file_atomic(dev_ + "/nvme2n1", ""));
  EXPECT_TRUE(locator.find("vol-0123456789abcdef0", "f"));
}

TEST_F(EbsDeviceTest, OnXenTakesTheKernelsDiskForTheSlotButNeverALink) {
  EbsDeviceLocator locator(sys_, dev_);
  ASSERT_EQ(symlink("nvme0n1", (dev_ + "/xvdf").c_str()), 0);  // a link is not a disk
  EXPECT_FALSE(locator.find("vol-0123456789abcdef0", "f"));
  xen("xvdg");
  auto found = locator.find("vol-0123456789abcdef0", "g");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "xvdg");
}

TEST_F(EbsDeviceTest, MakesBothNamesOnceAndRelative) {
  nvme("nvme1n1", "vol0123456789abcdef0");
  EbsDeviceLocator locator(sys_, dev_);
  auto found = locator.find("vol-0123456789abcdef0", "f");
  ASSERT_TRUE(found);
  auto made = locator.link("f", *found);
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(made->size(), 2u);
  EXPECT_EQ(link_of("sdf"), "nvme1n1");
  EXPECT_EQ(link_of("xvdf"), "nvme1n1");
  auto again = locator.link("f", *found);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
}

TEST_F(EbsDeviceTest, XenDiskGetsOnlyTheOtherName) {
  xen("xvdh");
  EbsDeviceLocator locator(sys_, dev_);
  auto found = locator.find("vol-0123456789abcdef0", "h");
  ASSERT_TRUE(found);
  auto made = locator.link("h", *found);
  ASSERT_TRUE(made) << made.error().message();
  ASSERT_EQ(made->size(), 1u);
  EXPECT_EQ((*made)[0], dev_ + "/sdh");
  EXPECT_EQ(link_of("sdh"), "xvdh");
}

TEST_F(EbsDeviceTest, NeverReplacesANameThatIsAnotherDevice) {
  nvme("nvme1n1", "vol0123456789abcdef0");
  nvme("nvme2n1", "vol0bbbbbbbbbbbbbbbb0");
  ASSERT_EQ(symlink("nvme2n1", (dev_ + "/xvdf").c_str()), 0);
  EbsDeviceLocator locator(sys_, dev_);
  auto made = locator.link("f", *locator.find("vol-0123456789abcdef0", "f"));
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message().find("xvdf already exists and is"), std::string::npos) << made.error().message();
  EXPECT_EQ(link_of("xvdf"), "nvme2n1");
  EXPECT_EQ(link_of("sdf"), "");  // nothing made when one name conflicts
}

}  // namespace
}  // namespace taupage
