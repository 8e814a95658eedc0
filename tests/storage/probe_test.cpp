// The probe against images made by the real tools on the host (mke2fs, mkfs.xfs, mkfs.btrfs,
// mkswap, cryptsetup, pvcreate on a loop device, sfdisk), and md superblocks of every version.
#include "storage/probe.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "storage/md_superblock.h"

namespace taupage {
namespace {

class ProbeImages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/storage-probe-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  static void TearDownTestSuite() { (void)std::system(("rm -rf " + dir_).c_str()); }

  // A sparse image of `mib` MiB, then `command` run with {} replaced by its path; its output is kept
  // for the failure message.
  static std::string image(const std::string& name, int mib, const std::string& command) {
    std::string path = dir_ + "/" + name;
    std::string made = "truncate -s " + std::to_string(mib) + "M " + path;
    EXPECT_EQ(std::system(made.c_str()), 0);
    if (!command.empty()) {
      std::string c = command;
      for (size_t at; (at = c.find("{}")) != std::string::npos;) c.replace(at, 2, path);
      int rc = std::system((c + " > " + path + ".log 2>&1").c_str());
      if (rc != 0) return "";
    }
    return path;
  }

  static Content probe_file(const std::string& path, uint64_t* fs_bytes = nullptr) {
    auto source = FileByteSource::open(path);
    EXPECT_TRUE(source.ok()) << (source ? "" : source.error().message());
    if (!source) return Content::Unknown;
    auto result = probe(*source);
    EXPECT_TRUE(result.ok()) << (result ? "" : result.error().message());
    if (!result) return Content::Unknown;
    if (fs_bytes) *fs_bytes = result->filesystem_bytes;
    return result->content;
  }

  static void poke(const std::string& path, uint64_t offset, const std::vector<uint8_t>& bytes) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }

  static std::string dir_;
};
std::string ProbeImages::dir_;

TEST_F(ProbeImages, ZerosAreBlank) { EXPECT_EQ(probe_file(image("zero", 8, "")), Content::Blank); }

TEST_F(ProbeImages, ExtVersionsAndSizeFromMke2fs) {
  uint64_t bytes = 0;
  EXPECT_EQ(probe_file(image("ext2", 16, "mke2fs -q -F -t ext2 {}")), Content::Ext2);
  EXPECT_EQ(probe_file(image("ext3", 16, "mke2fs -q -F -t ext3 {}")), Content::Ext3);
  EXPECT_EQ(probe_file(image("ext4", 32, "mke2fs -q -F -t ext4 {} 16M"), &bytes), Content::Ext4);
  EXPECT_EQ(bytes, 16u * 1024 * 1024);  // a filesystem smaller than its device: the mounts step grows it
}

TEST_F(ProbeImages, XfsFromMkfsXfs) {
  uint64_t bytes = 0;
  EXPECT_EQ(probe_file(image("xfs", 320, "mkfs.xfs -q -f {}"), &bytes), Content::Xfs);
  EXPECT_EQ(bytes, 320u * 1024 * 1024);
}

TEST_F(ProbeImages, BtrfsFromMkfsBtrfs) { EXPECT_EQ(probe_file(image("btrfs", 256, "mkfs.btrfs -q -f {}")), Content::Btrfs); }

TEST_F(ProbeImages, SwapFromMkswap) { EXPECT_EQ(probe_file(image("swap", 8, "mkswap {}")), Content::Swap); }

TEST_F(ProbeImages, LuksFromCryptsetup) {
  std::string path = image("luks", 32,
                           "printf pw | cryptsetup luksFormat --type luks2 --batch-mode --pbkdf pbkdf2 "
                           "--pbkdf-force-iterations 1000 {} -");
  if (path.empty()) GTEST_SKIP() << "cryptsetup luksFormat did not run here";
  EXPECT_EQ(probe_file(path), Content::Luks);
}

TEST_F(ProbeImages, LvmFromPvcreateOnALoopDevice) {
  std::string path = image("lvm", 16, "loop=$(losetup --find --show {}) && { pvcreate -q $loop; rc=$?; losetup -d $loop; exit $rc; }");
  if (path.empty()) GTEST_SKIP() << "no loop device for pvcreate here";
  EXPECT_EQ(probe_file(path), Content::Lvm);
}

TEST_F(ProbeImages, PartitionTablesFromSfdisk) {
  EXPECT_EQ(probe_file(image("mbr", 16, "echo ',,L' | sfdisk -q --label dos {}")), Content::Mbr);
  EXPECT_EQ(probe_file(image("gpt", 16, "echo ',,L' | sfdisk -q --label gpt {}")), Content::Gpt);
}

TEST_F(ProbeImages, NonZeroBytesAtTheStartOrTheEndAreNotBlank) {
  std::string head = image("head", 8, "");
  poke(head, 300 * 1024, {1});
  EXPECT_EQ(probe_file(head), Content::Unknown);
  std::string tail = image("tail", 8, "");
  poke(tail, 8 * 1024 * 1024 - 1, {0x80});
  EXPECT_EQ(probe_file(tail), Content::Unknown);
  // Data in the middle only is invisible to "first and last MiB": the documented limit.
  std::string middle = image("middle", 8, "");
  poke(middle, 4 * 1024 * 1024, {1});
  EXPECT_EQ(probe_file(middle), Content::Blank);
}

std::vector<uint8_t> md1_bytes(uint64_t super_offset_sectors) {
  MdSuperblock1 sb;
  sb.set_name = "any:x";
  sb.super_offset = super_offset_sectors;
  sb.raid_disks = 2;
  sb.dev_roles = {0, 1};
  return sb.encode();
}

TEST_F(ProbeImages, MdSuperblocksOfEveryVersion) {
  const uint64_t size = 16 * 1024 * 1024;
  std::string v12 = image("md12", 16, "");
  poke(v12, 4096, md1_bytes(8));
  EXPECT_EQ(probe_file(v12), Content::Md12);
  std::string v11 = image("md11", 16, "");
  poke(v11, 0, md1_bytes(0));
  EXPECT_EQ(probe_file(v11), Content::Md11);
  std::string v10 = image("md10", 16, "");
  uint64_t at = ((size / 512 - 16) & ~uint64_t{7});
  poke(v10, at * 512, md1_bytes(at));
  EXPECT_EQ(probe_file(v10), Content::Md10);
  std::string v090 = image("md090", 16, "mke2fs -q -F -t ext4 {}");  // 0.90 and 1.0 members start with the array's data
  poke(v090, size - 64 * 1024, {0xfc, 0x4e, 0x2b, 0xa9, 0, 0, 0, 0});
  EXPECT_EQ(probe_file(v090), Content::Md090);
}

TEST_F(ProbeImages, AStrayMdMagicWithAWrongOffsetIsNotAnArray) {
  std::string path = image("stray", 16, "");
  poke(path, 4096, md1_bytes(0));  // claims to live at sector 0, found at sector 8
  EXPECT_EQ(probe_file(path), Content::Unknown);
}

TEST(Probe, AShortReadIsAnErrorNeverBlank) {
  class Failing : public ByteSource {
   public:
    uint64_t size() const override { return 8 << 20; }
    Result<std::vector<uint8_t>> read_at(uint64_t, size_t) const override { return Error("I/O error"); }
    std::string name() const override { return "failing"; }
  } failing;
  auto result = probe(failing);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("I/O error"), std::string::npos);
}

TEST(Probe, ADeviceOfSizeZeroIsAnErrorNeverBlank) {
  class Empty : public ByteSource {
   public:
    uint64_t size() const override { return 0; }
    Result<std::vector<uint8_t>> read_at(uint64_t, size_t) const override { return std::vector<uint8_t>{}; }
    std::string name() const override { return "/dev/md127"; }
  } empty;
  auto result = probe(empty);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("/dev/md127: the device reports a size of 0 bytes"), std::string::npos)
      << result.error().message();
}

// The word-wise scan must see one stray byte wherever it lies: in a full 4 KiB block at either
// edge of a word or block, or in the tail shorter than a block.
TEST(Probe, AllZeroFindsOneNonZeroByteAnywhere) {
  for (size_t length :
       {size_t{0}, size_t{1}, size_t{7}, size_t{4095}, size_t{4096}, size_t{4097}, size_t{3 * 4096 + 13}, size_t{1 << 20}}) {
    std::vector<uint8_t> bytes(length, 0);
    EXPECT_TRUE(all_zero(bytes)) << length;
    for (size_t at : {size_t{0}, size_t{7}, size_t{8}, size_t{4095}, size_t{4096}, length / 2, length - 1}) {
      if (at >= length) continue;
      bytes[at] = 0x80;
      EXPECT_FALSE(all_zero(bytes)) << "length " << length << ", byte " << at;
      bytes[at] = 0;
    }
  }
}

TEST(Probe, OneByteInTheLastMiBIsNotBlank) {
  std::vector<uint8_t> disk(4 << 20, 0);
  MemoryByteSource blank(disk, "blank");
  ASSERT_TRUE(probe(blank).ok());
  EXPECT_EQ(probe(blank)->content, Content::Blank);
  disk[disk.size() - 1] = 1;
  MemoryByteSource last(disk, "last");
  EXPECT_EQ(probe(last)->content, Content::Unknown);
}

// The blank rule's reads stop at the first piece with data, and still see one byte anywhere: at
// either edge of a piece, in the last, shorter piece, or in any byte of the first MiB and the
// last (the probe's head is 128 KiB, the rest of the first MiB read only when the head is blank).
TEST(Probe, RangeIsZeroSeesEveryByteAndStopsAtTheFirstPieceWithData) {
  class Counting : public MemoryByteSource {
   public:
    using MemoryByteSource::MemoryByteSource;
    Result<std::vector<uint8_t>> read_at(uint64_t offset, size_t length) const override {
      read_bytes += length;
      ++reads;
      return MemoryByteSource::read_at(offset, length);
    }
    Result<std::span<const uint8_t>> view_at(uint64_t offset, size_t length) const override {
      read_bytes += length;
      ++reads;
      return MemoryByteSource::view_at(offset, length);
    }
    mutable uint64_t read_bytes = 0;
    mutable int reads = 0;
  };
  const size_t kSize = 5 << 20;
  for (size_t at : {size_t{0}, size_t{65535}, size_t{65536}, size_t{131071}, size_t{131072}, size_t{(1 << 20) - 1}, size_t{1 << 20},
                    size_t{(3 << 20) + 5}, kSize - (1 << 20), kSize - 1}) {
    std::vector<uint8_t> bytes(kSize, 0);
    bytes[at] = 1;
    Counting source(bytes, "disk");
    auto zero = range_is_zero(source, 0, kSize, 64 * 1024);
    ASSERT_TRUE(zero.ok());
    EXPECT_FALSE(*zero) << at;
    bool in_rule = at < (1 << 20) || at >= kSize - (1 << 20);
    EXPECT_EQ(probe(Counting(bytes, "disk"))->content, in_rule ? Content::Unknown : Content::Blank) << at;
  }
  std::vector<uint8_t> filesystem(kSize, 0);
  filesystem[1024] = 0x53;
  Counting source(filesystem, "disk");
  EXPECT_FALSE(*range_is_zero(source, 0, kSize, 64 * 1024));
  EXPECT_EQ(source.read_bytes, 64u * 1024) << "the first piece shows the data; nothing after it is read";
  Counting blank(std::vector<uint8_t>(kSize, 0), "blank");
  EXPECT_TRUE(*range_is_zero(blank, 4096, kSize - 4096 - 7, 64 * 1024));
  EXPECT_EQ(blank.read_bytes, kSize - 4096 - 7);
  // The default, for ranges expected blank: one read a MiB.
  Counting per_mib(std::vector<uint8_t>(kSize, 0), "blank");
  EXPECT_TRUE(*range_is_zero(per_mib, 0, kSize));
  EXPECT_EQ(per_mib.reads, 5);
}

TEST(Probe, NamesSayWhatWasFound) {
  EXPECT_EQ(content_name(Content::Lvm), "an LVM physical volume");
  EXPECT_EQ(filesystem_type(Content::Ext4), "ext4");
  EXPECT_EQ(filesystem_type(Content::Mbr), "");
  EXPECT_TRUE(is_md_member(Content::Md090));
}

}  // namespace
}  // namespace taupage
