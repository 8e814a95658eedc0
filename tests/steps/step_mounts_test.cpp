// The mounts step against the storage doubles: format only blank devices or with erase_on_boot,
// never after fsck fails; grow, own, keep what is mounted.
#include "steps/step_mounts.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <functional>

#include "steps/mount_decision.h"
#include "steps/storage_machine.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

using namespace storage_test;

const char* kPlainMount = R"(
mounts:
  /data:
    partition: /dev/xvdf
    options: noatime, nodev,data=ordered
  /scratch:
    partition: none
    filesystem: tmpfs
    options: size=64m
)";

TEST(MountsStep, FormatsABlankDeviceOwnedBy999AndMountsOnATmpfs) {
  Machine m(kPlainMount);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  Outcome o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Created) << o.detail;
  EXPECT_EQ(m.tools.calls, (std::vector<std::string>{"mkfs.ext4 -F -q -E nodiscard,root_owner=999:999 /dev/vdb"}));
  EXPECT_TRUE(has_call(m.mounter.calls, "mount taupage-mounts /root/mounts tmpfs"));
  EXPECT_TRUE(has_call(m.mounter.calls,
                       "mount /dev/vdb /root/mounts/data ext4 flags=" + std::to_string(MS_NOATIME | MS_NODEV) + " data=data=ordered"));
  EXPECT_TRUE(has_call(m.mounter.calls, "mount tmpfs /root/mounts/scratch tmpfs flags=0 data=size=64m"));
  EXPECT_TRUE(has_call(m.mounter.calls, "open_up /root/mounts/data"));
}

TEST(MountsStep, AnArrayCreatedOnThisRunIsFormattedWithoutBeingReadAgain) {
  Machine m(kRaid0);
  ASSERT_NO_FATAL_FAILURE(m.raid0_created_on_two_blank_disks());
  m.devices.opened.clear();
  Outcome o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Created) << o.detail;
  EXPECT_EQ(m.tools.calls.front(), "mkfs.ext4 -F -q -E nodiscard,root_owner=999:999 /dev/md127");
  EXPECT_TRUE(m.devices.opened.empty()) << join(m.devices.opened, " ");
  EXPECT_TRUE(m.context->created_blank.empty()) << "taken once: the device holds a filesystem now";
  // A run that did not create it (the next boot, or a cut between the steps) reads it first.
  Machine later(kRaid0);
  ASSERT_NO_FATAL_FAILURE(later.raid0_created_on_two_blank_disks());
  later.context->created_blank.clear();
  later.devices.opened.clear();
  ASSERT_EQ(later.mounts().kind, OutcomeKind::Created);
  EXPECT_EQ(later.devices.opened, (std::vector<std::string>{"/dev/md127"}));
}

TEST(MountsStep, RootTrueKeepsTheDefaultOwner) {
  Machine m(std::string("root: true\n") + kPlainMount);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  ASSERT_EQ(m.mounts().kind, OutcomeKind::Created);
  EXPECT_EQ(m.tools.calls.front(), "mkfs.ext4 -F -q -E nodiscard /dev/vdb");
}

void make_ext4(std::vector<uint8_t>& disk, uint32_t blocks_4k) {
  disk[1024 + 56] = 0x53;
  disk[1024 + 57] = 0xEF;
  disk[1024 + 96] = 0x40;  // extents: ext4
  disk[1024 + 24] = 2;     // 4 KiB blocks
  disk[1024 + 4] = static_cast<uint8_t>(blocks_4k);
  disk[1024 + 5] = static_cast<uint8_t>(blocks_4k >> 8);
}

TEST(MountsStep, AnExistingFilesystemIsCheckedMountedAndGrownNeverFormatted) {
  Machine m(kPlainMount);
  make_ext4(m.devices.add("/dev/xvdf", "vdb", 16, kDisk), 256);  // 1 MiB of 4 MiB
  m.mounter.mounts["/root/mounts/scratch"] = MountEntry{"tmpfs", "tmpfs", 0, 41};
  Outcome o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Changed) << o.detail;
  EXPECT_EQ(m.tools.calls, (std::vector<std::string>{"fsck.ext4 -p /dev/vdb", "resize2fs /dev/vdb"}));
  EXPECT_NE(o.detail.find("grown"), std::string::npos);
}

TEST(MountsStep, FsckErrorsItCannotFixFailTheStepAndNothingIsFormatted) {
  Machine m(kPlainMount);
  make_ext4(m.devices.add("/dev/xvdf", "vdb", 16, kDisk), 1024);
  m.tools.exit_codes["fsck.ext4"] = 4;
  Outcome o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("cannot fix"), std::string::npos) << o.detail;
  EXPECT_FALSE(has_call(m.tools.calls, "mkfs"));
  EXPECT_FALSE(has_call(m.mounter.calls, "mount /dev/vdb"));
}

TEST(MountsStep, FixedErrorsAreReportedAndBootGoesOn) {
  Machine m(kPlainMount);
  make_ext4(m.devices.add("/dev/xvdf", "vdb", 16, kDisk), 1024);
  m.tools.exit_codes["fsck.ext4"] = 1;
  m.mounter.mounts["/root/mounts/scratch"] = MountEntry{"tmpfs", "tmpfs", 0, 41};
  Outcome o = m.mounts();
  EXPECT_EQ(o.kind, OutcomeKind::Changed) << o.detail;
  EXPECT_NE(o.detail.find("repaired"), std::string::npos);
}

TEST(MountsStep, AnotherFilesystemTypeIsAnErrorNotAFormat) {
  Machine m(kPlainMount);
  auto& disk = m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  disk[0] = 'X', disk[1] = 'F', disk[2] = 'S', disk[3] = 'B';
  Outcome o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("holds xfs"), std::string::npos) << o.detail;
  EXPECT_TRUE(m.tools.calls.empty());
}

TEST(MountsStep, AlreadyMountedFromTheSameDeviceIsKeptFromAnotherIsAnError) {
  Machine m(kPlainMount);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  m.mounter.mounts["/root/mounts"] = MountEntry{"taupage-mounts", "tmpfs", 0, 40};
  m.mounter.mounts["/root/mounts/data"] = MountEntry{"/dev/vdb", "ext4", 253, 16};
  m.mounter.mounts["/root/mounts/scratch"] = MountEntry{"tmpfs", "tmpfs", 0, 41};
  Outcome o = m.mounts();
  EXPECT_EQ(o.kind, OutcomeKind::Kept) << o.detail;
  EXPECT_TRUE(m.mounter.calls.empty());
  m.mounter.mounts["/root/mounts/data"] = MountEntry{"/dev/vdz", "ext4", 253, 99};
  o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("already mounted from /dev/vdz"), std::string::npos) << o.detail;
}

TEST(MountsStep, EraseOnBootFormatsEveryBoot) {
  Machine m(R"(
mounts:
  /data:
    partition: /dev/xvdf
    filesystem: xfs
    erase_on_boot: true
)");
  auto& disk = m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  disk[0] = 'X', disk[1] = 'F', disk[2] = 'S', disk[3] = 'B';
  ASSERT_EQ(m.mounts().kind, OutcomeKind::Created);
  EXPECT_EQ(m.tools.calls, (std::vector<std::string>{"mkfs.xfs -f -q -K /dev/vdb"}));
}

TEST(MountsStep, AMissingDeviceFails) {
  Machine m(kPlainMount);
  Outcome o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("/dev/xvdf did not appear"), std::string::npos) << o.detail;
}

}  // namespace
}  // namespace taupage
