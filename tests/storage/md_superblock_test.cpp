#include "storage/md_superblock.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

MdSuperblock1 sample() {
  MdSuperblock1 sb;
  for (int i = 0; i < 16; ++i) sb.set_uuid[i] = static_cast<uint8_t>(i + 1);
  sb.set_name = "any:sampleraid0";
  sb.level = 0;
  sb.chunksize = 1024;
  sb.raid_disks = 2;
  sb.data_offset = 2048;
  sb.data_size = 129024;
  sb.size = 129024;
  sb.dev_number = 1;
  sb.events = 7;
  sb.resync_offset = kMdMaxSector;
  sb.dev_roles.assign(128, kMdRoleSpare);
  sb.dev_roles[0] = 0;
  sb.dev_roles[1] = 1;
  return sb;
}

TEST(MdSuperblock, EncodesTheKernelLayout) {
  auto b = sample().encode();
  ASSERT_EQ(b.size(), 512u);
  EXPECT_EQ(b[0], 0xfc);  // magic a92b4efc, little-endian
  EXPECT_EQ(b[3], 0xa9);
  EXPECT_EQ(b[4], 1);  // major version
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&b[32])), "any:sampleraid0");
  EXPECT_EQ(b[128], 0x00);  // data_offset 2048 = 0x800
  EXPECT_EQ(b[129], 0x08);
  EXPECT_EQ(b[144], 8);    // super_offset: 1.2 lives at sector 8
  EXPECT_EQ(b[160], 1);    // dev_number
  EXPECT_EQ(b[220], 128);  // max_dev
  EXPECT_EQ(b[256], 0);    // role of device 0
  EXPECT_EQ(b[258], 1);
  EXPECT_EQ(b[260], 0xff);  // spare
}

TEST(MdSuperblock, ChecksumMatchesAHandComputation) {
  auto b = sample().encode();
  uint64_t sum = 0;
  for (size_t at = 0; at < 512; at += 4) {
    if (at == 216) continue;
    sum += uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
  }
  uint32_t expected = static_cast<uint32_t>((sum & 0xffffffff) + (sum >> 32));
  uint32_t stored = uint32_t(b[216]) | uint32_t(b[217]) << 8 | uint32_t(b[218]) << 16 | uint32_t(b[219]) << 24;
  EXPECT_EQ(stored, expected);
}

TEST(MdSuperblock, RoundTrips) {
  auto decoded = MdSuperblock1::decode(sample().encode());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  EXPECT_EQ(decoded->set_name, "any:sampleraid0");
  EXPECT_EQ(decoded->short_name(), "sampleraid0");
  EXPECT_EQ(decoded->events, 7u);
  EXPECT_EQ(decoded->resync_offset, kMdMaxSector);
  EXPECT_EQ(decoded->dev_roles[1], 1);
  EXPECT_EQ(md_uuid_text(decoded->set_uuid), "01020304:05060708:090a0b0c:0d0e0f10");
}

TEST(MdSuperblock, RefusesACorruptedByte) {
  auto b = sample().encode();
  b[100] ^= 1;
  auto decoded = MdSuperblock1::decode(b);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message().find("checksum"), std::string::npos);
}

TEST(MdSuperblock, RefusesOtherMagicAndVersions) {
  auto b = sample().encode();
  b[4] = 0;
  EXPECT_FALSE(MdSuperblock1::decode(b).ok());
  EXPECT_FALSE(MdSuperblock1::decode(std::vector<uint8_t>(512, 0)).ok());
  EXPECT_FALSE(MdSuperblock1::decode(std::vector<uint8_t>(10, 0)).ok());
}

TEST(MdSuperblock, DataOffsetFollowsMdadm) {
  EXPECT_EQ(md_default_data_offset(64 * 2048), 2048u);                   // 64 MiB: 1 MiB
  EXPECT_EQ(md_default_data_offset(100ull * 1024 * 1024 * 2), 133120u);  // 100 GiB: 64 MiB headroom + rounding
  EXPECT_EQ(md_default_data_offset(1ull << 40), 264192u);                // big: 128 MiB headroom, 129 MiB
}

}  // namespace
}  // namespace taupage
