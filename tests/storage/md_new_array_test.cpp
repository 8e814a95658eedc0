#include "storage/md_new_array.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(MdNewArray, TheMembersAreClearedWhereTheArraysEndsLie) {
  constexpr uint64_t kM = 1 << 20;
  // A mirror of 32 and 48 MiB ends where the smaller member ends, inside the larger one.
  auto sbs = new_array_superblocks("data", 1, {32 * kM, 48 * kM}, MdUuid{}, {MdUuid{}, MdUuid{}}, 1);
  ASSERT_EQ(sbs.size(), 2u);
  for (const auto& sb : sbs) {
    auto r = new_member_clear_ranges(sb);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].offset, sb.data_offset * 512);
    EXPECT_EQ(r[0].length, 2 * kM);
    EXPECT_EQ(r[1].offset + r[1].length, (sb.data_offset + sb.size) * 512);
    EXPECT_LE(r[1].offset + r[1].length, 32 * kM);
  }
  // RAID 0 zones: each member up to its own last whole chunk.
  sbs = new_array_superblocks("data", 0, {32 * kM, 48 * kM + 4096}, MdUuid{}, {MdUuid{}, MdUuid{}}, 1);
  auto r = new_member_clear_ranges(sbs[1]);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].offset + r[1].length, 48 * kM);
  // A small member: one range over its whole data area.
  sbs = new_array_superblocks("data", 0, {4 * kM, 4 * kM}, MdUuid{}, {MdUuid{}, MdUuid{}}, 1);
  r = new_member_clear_ranges(sbs[0]);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].offset, kM);
  EXPECT_EQ(r[0].length, 3 * kM);
}

TEST(MdNewArray, UnequalRaid0MembersRecordTheLayout) {
  auto sbs = new_array_superblocks("data", 0, {64 << 20, 96 << 20}, MdUuid{}, {MdUuid{}, MdUuid{}}, 1);
  ASSERT_EQ(sbs.size(), 2u);
  EXPECT_EQ(sbs[0].feature_map, 0x1000u);  // MD_FEATURE_RAID0_LAYOUT, the value the kernel checks
  EXPECT_EQ(sbs[0].layout, 2u);            // RAID0_ALT_MULTIZONE_LAYOUT
  EXPECT_EQ(sbs[1].data_size, (96u << 11) - 2048);
  auto equal = new_array_superblocks("data", 0, {64 << 20, 64 << 20}, MdUuid{}, {MdUuid{}, MdUuid{}}, 1);
  EXPECT_EQ(equal[0].feature_map, 0u);
  EXPECT_EQ(new_array_superblocks("data", 1, {64 << 20, 64 << 20}, MdUuid{}, {MdUuid{}, MdUuid{}}, 1)[0].resync_offset, 0u);
}

}  // namespace
}  // namespace taupage
