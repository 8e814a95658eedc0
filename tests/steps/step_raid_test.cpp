// The raid step against the storage doubles: create only on blank members, assemble instead of
// create, keep what runs, refuse RAID 0 with a missing member, an unfinished creation created again.
#include "steps/step_raid.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <functional>

#include "steps/raid_decision.h"
#include "steps/storage_machine.h"
#include "storage/md_new_array.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

using namespace storage_test;

TEST(RaidStep, CreatesOnTwoBlankMembersAndWritesReadableSuperblocks) {
  Machine m(kRaid0);
  auto& f = m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  Outcome o = m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Created) << o.detail;
  EXPECT_EQ(m.md.calls, (std::vector<std::string>{"start md127 vdb vdc", "link data md127"}));
  auto sb = MdSuperblock1::decode(std::vector<uint8_t>(f.begin() + 4096, f.begin() + 4096 + 512));
  ASSERT_TRUE(sb.ok()) << sb.error().message();
  EXPECT_EQ(sb->set_name, "any:data");
  EXPECT_EQ(sb->raid_disks, 2u);
  EXPECT_EQ(sb->data_offset, 2048u);
  EXPECT_EQ(sb->dev_number, 0u);
}

// Members blank by the rule (no signature, first and last MiB zeros) that hold old bytes in
// between, as a reused volume can: the array made over them must look blank to the mounts step.
void old_bytes_inside(std::vector<uint8_t>& disk) {
  for (size_t i = 1 << 20; i < disk.size() - (1 << 20); ++i) disk[i] = static_cast<uint8_t>(i * 7 + 1);
}

const char* kRaid0AndAnOtherMount = R"(
volumes:
  raid:
    /dev/md/data:
      level: 0
      devices: [/dev/xvdf, /dev/xvdg]
mounts:
  /data:
    partition: /dev/md/data
  /x:
    partition: /dev/xvdh
)";

TEST(RaidStep, ANewArrayOverMembersWithOldBytesInsideIsBlankAndGetsFormatted) {
  Machine m(kRaid0);
  constexpr size_t kBig = 16 << 20;
  auto& f = m.devices.add("/dev/xvdf", "vdb", 16, kBig);
  old_bytes_inside(f);
  old_bytes_inside(m.devices.add("/dev/xvdg", "vdc", 32, kBig));
  ASSERT_EQ(probe(MemoryByteSource(f))->content, Content::Blank);  // blank by the rule, as the issue's members were
  Outcome o = m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Created) << o.detail;
  // Zeroed through the array, both ends, after it started.
  const uint64_t size = m.devices.devices.at("/dev/md127").info.bytes;
  EXPECT_TRUE(has_call(m.devices.writes, "/dev/md127@0")) << join(m.devices.writes, " ");
  EXPECT_TRUE(has_call(m.devices.writes, "/dev/md127@" + std::to_string(size - (1 << 20))));
  // A power cut right after the start (before that) leaves an array that is blank already.
  EXPECT_EQ(probe(MemoryByteSource(m.md.at_start.at("md127")))->content, Content::Blank);
  EXPECT_EQ(f[8 << 20], static_cast<uint8_t>((8 << 20) * 7 + 1));  // only the ends were zeroed, not the whole member
  o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Created) << o.detail;
  EXPECT_EQ(m.tools.calls.front(), "mkfs.ext4 -F -q -E nodiscard,root_owner=999:999 /dev/md127");
}

TEST(RaidStep, ARefusalAfterAnArrayWasCreatedInTheSameRunSaysWhatWasChanged) {
  Machine m(kRaid0AndAnOtherMount);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  m.devices.add("/dev/xvdh", "vdd", 48, kDisk).back() = 9;  // unknown non-zero data at its end
  ASSERT_EQ(m.raid().kind, OutcomeKind::Created);
  Outcome o = m.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_EQ(o.detail.find("nothing was changed"), std::string::npos) << o.detail;
  EXPECT_NE(o.detail.find("/dev/xvdh (for /x) holds unknown non-zero data"), std::string::npos) << o.detail;
  EXPECT_NE(o.detail.find("nothing more was changed (earlier in this run: raid created /dev/md/data as md127 over /dev/xvdf /dev/xvdg; "
                          "mounts formatted /dev/md/data as ext4)"),
            std::string::npos)
      << o.detail;
  // The same refusal in a run that changed nothing says so.
  Machine alone("mounts:\n  /x:\n    partition: /dev/xvdh\n");
  alone.devices.add("/dev/xvdh", "vdd", 48, kDisk).back() = 9;
  o = alone.mounts();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("; nothing was changed"), std::string::npos) << o.detail;
}

TEST(RaidStep, TheTestCrashPointEndsTheProcessRightAfterTheStart) {
  EXPECT_EXIT(
      {
        setenv("TAUPAGE_TEST_CRASH_AT", "raid-created", 1);
        Machine m(kRaid0);
        m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
        m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
        m.raid();
      },
      ::testing::ExitedWithCode(86), "TAUPAGE_TEST_CRASH_AT=raid-created: the process ends here");
}

TEST(RaidStep, SecondBootAssemblesAndNeverCreatesAgain) {
  Machine m(kRaid0);
  ASSERT_NO_FATAL_FAILURE(m.raid0_created_on_two_blank_disks());
  m.devices.writes.clear();
  Outcome o = m.raid();  // the same disks, nothing running: a reboot
  EXPECT_EQ(o.kind, OutcomeKind::Kept) << o.detail;
  EXPECT_NE(o.detail.find("assembled"), std::string::npos);
  EXPECT_TRUE(m.devices.writes.empty());
  EXPECT_EQ(m.md.calls, (std::vector<std::string>{"start md126 vdb vdc", "link data md126"}));
}

TEST(RaidStep, KeepsAnArrayThatIsAlreadyRunning) {
  Machine m(kRaid0);
  ASSERT_NO_FATAL_FAILURE(m.raid0_created_on_two_blank_disks());
  m.md.arrays.push_back({"md127", {"vdb", "vdc"}, "raid0", "clean", 2, 0});
  Outcome o = m.raid();
  EXPECT_EQ(o.kind, OutcomeKind::Kept) << o.detail;
  EXPECT_EQ(m.md.calls, (std::vector<std::string>{"link data md127"}));
}

TEST(RaidStep, AnInactivePartialAssemblyOfItsMembersIsStoppedThenAssembled) {
  Machine m(kRaid0);
  ASSERT_NO_FATAL_FAILURE(m.raid0_created_on_two_blank_disks());
  m.md.arrays.push_back({"md125", {"vdb"}, "", "inactive", 0, 0});  // udev's mdadm -I saw one member
  Outcome o = m.raid();
  EXPECT_EQ(o.kind, OutcomeKind::Kept) << o.detail;
  EXPECT_NE(o.detail.find("assembled"), std::string::npos) << o.detail;
  EXPECT_EQ(m.md.calls, (std::vector<std::string>{"stop md125", "start md126 vdb vdc", "link data md126"}));
}

TEST(RaidStep, AnInactiveArrayHoldingSomethingElseIsLeftAloneAndRefused) {
  Machine m(kRaid0);
  ASSERT_NO_FATAL_FAILURE(m.raid0_created_on_two_blank_disks());
  m.md.arrays.push_back({"md125", {"vdb", "vdz"}, "", "inactive", 0, 0});  // vdz is no member of ours
  Outcome o = m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Failed) << o.detail;
  EXPECT_NE(o.detail.find("held by md125, an inactive array"), std::string::npos) << o.detail;
  EXPECT_TRUE(m.md.calls.empty()) << m.md.calls.front();
}

TEST(RaidStep, ADegradedRunningArrayTakesItsAbsentMemberBack) {
  Machine m(kRaid1Erase);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  ASSERT_EQ(m.raid().kind, OutcomeKind::Created);
  m.md.calls.clear();
  m.md.arrays.push_back({"md127", {"vdb"}, "raid1", "clean", 2, 1});  // started without vdc
  Outcome o = m.raid();
  EXPECT_EQ(o.kind, OutcomeKind::Changed) << o.detail;
  EXPECT_NE(o.detail.find("1 member added back"), std::string::npos) << o.detail;
  EXPECT_EQ(m.md.calls, (std::vector<std::string>{"link data md127", "add md127 vdc"}));
}

// A mirror created on vdb and vdc, now running degraded on vdb alone, with vdc's superblock
// changed by `edit`: vdc may hold writes the array never saw, so it is not added back, and the
// log says why.
void expect_vdc_not_taken_back(const std::function<void(MdSuperblock1&)>& edit, const std::string& why) {
  Machine m(kRaid1Erase);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  auto& g = m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  ASSERT_EQ(m.raid().kind, OutcomeKind::Created);
  m.md.calls.clear();
  auto sb = MdSuperblock1::decode(std::vector<uint8_t>(g.begin() + 4096, g.begin() + 4096 + 1024));
  ASSERT_TRUE(sb.ok());
  edit(*sb);
  auto bytes = sb->encode();
  std::copy(bytes.begin(), bytes.end(), g.begin() + 4096);
  m.md.arrays.push_back({"md127", {"vdb"}, "raid1", "clean", 2, 1});
  std::vector<std::string> lines;
  Log::set_sink([&](LogLevel, const std::string& line) { lines.push_back(line); });
  Outcome o = m.raid();
  Log::set_sink({});
  EXPECT_EQ(o.kind, OutcomeKind::Kept) << o.detail;
  EXPECT_EQ(m.md.calls, (std::vector<std::string>{"link data md127"}));
  bool said = false;
  for (const auto& line : lines) said = said || line.find(why) != std::string::npos;
  EXPECT_TRUE(said) << why;
}

TEST(RaidStep, AnAbsentMemberWithNewerEventsIsNeverResyncedOver) {
  // vdc saw writes after the running array (on vdb) was last written.
  expect_vdc_not_taken_back([](MdSuperblock1& sb) { sb.events += 5; }, "/dev/xvdg belongs to the running array md127 but has newer events");
}

TEST(RaidStep, AnAbsentMemberThatRanWithoutTheOthersIsNeverResyncedOver) {
  // vdc ran alone somewhere and marked vdb (device 0) faulty, with no more events than vdb.
  expect_vdc_not_taken_back([](MdSuperblock1& sb) { sb.dev_roles[0] = kMdRoleFaulty; }, "ran without its members (split brain)");
}

TEST(RaidStep, AnInactiveAssemblyIsLeftAsItWasWhenTheArrayIsRefusedAnyway) {
  Machine m(kRaid0);
  ASSERT_NO_FATAL_FAILURE(m.raid0_created_on_two_blank_disks());
  m.devices.devices.erase("/dev/xvdg");  // RAID 0 with a member missing: refused
  m.md.arrays.push_back({"md125", {"vdb"}, "", "inactive", 0, 0});
  Outcome o = m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Failed) << o.detail;
  EXPECT_TRUE(m.md.calls.empty()) << m.md.calls.front();
}

TEST(RaidStep, RefusesAMemberWithAFilesystemAndWritesNothing) {
  Machine m(kRaid0);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  auto& g = m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  g[1024 + 56] = 0x53;  // an ext superblock magic
  g[1024 + 57] = 0xEF;
  Outcome o = m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("/dev/xvdg holds ext2"), std::string::npos) << o.detail;
  EXPECT_TRUE(m.devices.writes.empty());
  EXPECT_TRUE(m.md.calls.empty());
}

TEST(RaidStep, RefusesUnknownDataAtTheEndOfAMember) {
  Machine m(kRaid0);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  auto& g = m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  g[kDisk - 10] = 7;
  Outcome o = m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("unknown non-zero data"), std::string::npos) << o.detail;
  EXPECT_TRUE(m.devices.writes.empty());
}

TEST(RaidStep, EraseOnBootAllowsCreatingOverOldData) {
  Machine m(kRaid1Erase);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  auto& g = m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  g[510] = 0x55;
  g[511] = 0xAA;  // an MBR
  Outcome o = m.raid();
  EXPECT_EQ(o.kind, OutcomeKind::Created) << o.detail;
  EXPECT_EQ(g[510], 0);  // the old signature is gone, so no reader sees two things
}

TEST(RaidStep, Raid0WithAMissingMemberIsAnError) {
  Machine m(kRaid0);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  ASSERT_EQ(m.raid().kind, OutcomeKind::Created);
  m.devices.devices.erase("/dev/xvdg");
  m.md.calls.clear();
  Outcome o = m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("RAID 0 cannot start"), std::string::npos) << o.detail;
  EXPECT_TRUE(m.md.calls.empty());
}

TEST(RaidStep, Raid1WithAMissingMemberStartsDegraded) {
  Machine m(kRaid1Erase);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  ASSERT_EQ(m.raid().kind, OutcomeKind::Created);
  m.devices.devices.erase("/dev/xvdg");
  m.md.calls.clear();
  Outcome o = m.raid();
  EXPECT_EQ(o.kind, OutcomeKind::Changed) << o.detail;
  EXPECT_NE(o.detail.find("DEGRADED"), std::string::npos);
  EXPECT_EQ(m.md.calls.front(), "start md126 vdb");
}

TEST(RaidStep, MemberOfAnotherRunningArrayIsRefused) {
  Machine m(kRaid0);
  m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  m.md.arrays.push_back({"md5", {"vdc"}, "raid1", "clean", 2, 1});
  Outcome o = m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Failed);
  EXPECT_NE(o.detail.find("running array md5"), std::string::npos) << o.detail;
}

struct HalfWritten {
  Machine m{kRaid0};
  std::vector<uint8_t>& f = m.devices.add("/dev/xvdf", "vdb", 16, kDisk);
  std::vector<uint8_t>& g = m.devices.add("/dev/xvdg", "vdc", 32, kDisk);
  MdSuperblock1 sb;
  HalfWritten() {
    MdUuid set{};
    set.fill(0x5a);
    sb = new_array_superblocks(m.config.raid[0].name, m.config.raid[0].level, {kDisk, kDisk}, set, {MdUuid{}, MdUuid{}},
                               m.clock.unix_seconds())[0];
    auto bytes = sb.encode();
    std::copy(bytes.begin(), bytes.end(), f.begin() + 4096);
  }
};

TEST(RaidStep, AHalfWrittenArrayIsCreatedAgainOverBothMembers) {
  HalfWritten h;
  Outcome o = h.m.raid();
  ASSERT_EQ(o.kind, OutcomeKind::Created) << o.detail;
  EXPECT_EQ(h.m.md.calls, (std::vector<std::string>{"start md127 vdb vdc", "link data md127"}));
  auto f_sb = MdSuperblock1::decode(std::vector<uint8_t>(h.f.begin() + 4096, h.f.begin() + 4096 + 512));
  auto g_sb = MdSuperblock1::decode(std::vector<uint8_t>(h.g.begin() + 4096, h.g.begin() + 4096 + 512));
  ASSERT_TRUE(f_sb.ok() && g_sb.ok());
  EXPECT_EQ(f_sb->set_uuid, g_sb->set_uuid);
  EXPECT_EQ(g_sb->dev_number, 1u);
}

TEST(RaidStep, AHalfWrittenArrayWithDataOrAnUpdatedSuperblockIsStillRefused) {
  {
    HalfWritten h;  // a byte in the array's data area on f: it is not the creation's zeros
    h.f[h.sb.data_offset * 512 + 100] = 1;
    Outcome o = h.m.raid();
    ASSERT_EQ(o.kind, OutcomeKind::Failed) << o.detail;
    EXPECT_NE(o.detail.find("/dev/xvdg holds nothing (blank), not a member of /dev/md/data"), std::string::npos) << o.detail;
    EXPECT_TRUE(h.m.md.calls.empty());
  }
  {
    HalfWritten h;  // the kernel updated the superblock: the array ran
    h.sb.events = 2;
    auto bytes = h.sb.encode();
    std::copy(bytes.begin(), bytes.end(), h.f.begin() + 4096);
    EXPECT_EQ(h.m.raid().kind, OutcomeKind::Failed);
    EXPECT_TRUE(h.m.md.calls.empty());
  }
}

}  // namespace
}  // namespace taupage
