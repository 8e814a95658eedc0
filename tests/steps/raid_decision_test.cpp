// The raid decision alone: what the members' superblocks say is done with an array.
#include "steps/raid_decision.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <functional>

#include "steps/storage_machine.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

using namespace storage_test;

MemberState member_of(const std::string& path, const std::string& name, int level, uint32_t disks, uint64_t events, uint8_t uuid = 1) {
  MemberState m;
  m.configured = path;
  m.device = DeviceInfo{"/dev/x", "x", 1, 1, kDisk};
  m.content = Content::Md12;
  MdSuperblock1 sb;
  sb.set_uuid.fill(uuid);
  sb.set_name = "any:" + name;
  sb.level = level;
  sb.raid_disks = disks;
  sb.events = events;
  m.superblock = sb;
  return m;
}

TEST(RaidDecision, ALevelOrMemberCountThatDiffersIsNeverReshaped) {
  RaidArray array{"/dev/md/data", "data", 0, {"/dev/xvdf", "/dev/xvdg"}, {}};
  auto d = decide_raid(array, {member_of("/dev/xvdf", "data", 1, 2, 5), member_of("/dev/xvdg", "data", 1, 2, 5)}, true);
  EXPECT_EQ(d.action, RaidAction::Refuse);
  EXPECT_NE(d.reason.find("RAID 1, the config says RAID 0"), std::string::npos) << d.reason;
  d = decide_raid(array, {member_of("/dev/xvdf", "data", 0, 3, 5), member_of("/dev/xvdg", "data", 0, 3, 5)}, true);
  EXPECT_EQ(d.action, RaidAction::Refuse);
  EXPECT_NE(d.reason.find("has 3 members"), std::string::npos) << d.reason;
}

TEST(RaidDecision, AStaleMemberIsAddedBackAfterTheStart) {
  RaidArray array{"/dev/md/data", "data", 1, {"/dev/xvdf", "/dev/xvdg"}, {}};
  auto d = decide_raid(array, {member_of("/dev/xvdf", "data", 1, 2, 50), member_of("/dev/xvdg", "data", 1, 2, 10)}, false);
  ASSERT_EQ(d.action, RaidAction::Assemble) << d.reason;
  EXPECT_EQ(d.start, std::vector<size_t>{0});
  EXPECT_EQ(d.stale, std::vector<size_t>{1});
}

TEST(RaidDecision, AnotherArraysSuperblockIsRefusedEvenWithEraseOnBootWhenMixed) {
  RaidArray array{"/dev/md/data", "data", 1, {"/dev/xvdf", "/dev/xvdg"}, {}};
  auto d = decide_raid(array, {member_of("/dev/xvdf", "data", 1, 2, 5), member_of("/dev/xvdg", "other", 1, 2, 5)}, false);
  EXPECT_EQ(d.action, RaidAction::Refuse);
  EXPECT_NE(d.reason.find("/dev/xvdg holds md superblock 1.2"), std::string::npos) << d.reason;
  d = decide_raid(array, {member_of("/dev/xvdf", "data", 1, 2, 5, 1), member_of("/dev/xvdg", "data", 1, 2, 5, 2)}, false);
  EXPECT_EQ(d.action, RaidAction::Refuse);
}

TEST(RaidDecision, AnUnfinishedCreationIsCreatedAgainNotRefused) {
  RaidArray array{"/dev/md/data", "data", 1, {"/dev/xvdf", "/dev/xvdg"}, {}};
  MemberState fresh = member_of("/dev/xvdf", "data", 1, 2, 1);
  fresh.untouched_since_creation = true;
  MemberState blank;
  blank.configured = "/dev/xvdg";
  blank.device = DeviceInfo{"/dev/y", "y", 1, 2, kDisk};
  blank.content = Content::Blank;
  auto d = decide_raid(array, {fresh, blank}, false);
  EXPECT_EQ(d.action, RaidAction::Create) << d.reason;
  EXPECT_NE(d.reason.find("unfinished creation"), std::string::npos) << d.reason;
  // A superblock the kernel has updated (the array ran) with a blank member beside it: a member
  // was replaced, the other holds data. Refused as before.
  MemberState used = fresh;
  used.untouched_since_creation = false;
  EXPECT_EQ(decide_raid(array, {used, blank}, false).action, RaidAction::Refuse);
  // The other member holds a filesystem: refused, unless erase_on_boot.
  MemberState ext4 = blank;
  ext4.content = Content::Ext4;
  EXPECT_EQ(decide_raid(array, {fresh, ext4}, false).action, RaidAction::Refuse);
  EXPECT_EQ(decide_raid(array, {fresh, ext4}, true).action, RaidAction::Create);
  // A member missing: nothing to create with.
  MemberState absent;
  absent.configured = "/dev/xvdg";
  EXPECT_NE(decide_raid(array, {fresh, absent}, false).action, RaidAction::Create);
  // Another shape than the config's: never taken for ours to redo.
  MemberState other_level = member_of("/dev/xvdf", "data", 0, 2, 1);
  other_level.untouched_since_creation = true;
  EXPECT_EQ(decide_raid(array, {other_level, blank}, false).action, RaidAction::Refuse);
  // Every member carries it: the creation got past the superblocks; assembled as before.
  MemberState fresh_g = fresh;
  fresh_g.configured = "/dev/xvdg";
  EXPECT_EQ(decide_raid(array, {fresh, fresh_g}, false).action, RaidAction::Assemble);
}

// A creation cut after the first member's superblock: f carries it, g is still blank.

}  // namespace
}  // namespace taupage
