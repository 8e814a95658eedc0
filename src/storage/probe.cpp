#include "storage/probe.h"

#include <algorithm>
#include <cstring>

#include "util/strings.h"

namespace taupage {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint32_t kMdMagic = 0xa92b4efc;
using Bytes = std::span<const uint8_t>;

uint16_t le16(Bytes b, size_t at) { return static_cast<uint16_t>(b[at] | (b[at + 1] << 8)); }
uint32_t le32(Bytes b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) | (static_cast<uint32_t>(b[at + 2]) << 16) |
         (static_cast<uint32_t>(b[at + 3]) << 24);
}
uint32_t be32(Bytes b, size_t at) {
  return (static_cast<uint32_t>(b[at]) << 24) | (static_cast<uint32_t>(b[at + 1]) << 16) | (static_cast<uint32_t>(b[at + 2]) << 8) |
         static_cast<uint32_t>(b[at + 3]);
}
uint64_t be64(Bytes b, size_t at) { return (static_cast<uint64_t>(be32(b, at)) << 32) | be32(b, at + 4); }
bool has(Bytes b, size_t at, const char* text, size_t length) {
  return at + length <= b.size() && std::memcmp(b.data() + at, text, length) == 0;
}

// The first `length` bytes at `offset`, read as the whole 4 KiB block where one starts there (a
// view the device may read past the page cache); valid until the device's next view.
Result<Bytes> start_of_block(const ByteSource& device, uint64_t offset, size_t length) {
  if (offset % 4096 != 0 || offset + 4096 > device.size()) return device.view_at(offset, length);
  auto block = device.view_at(offset, 4096);
  if (!block) return std::move(block).error();
  return block->first(length);
}

// An md 1.x superblock of minor version `minor` at `offset`: the magic, major 1 and a
// super_offset that names where it was found (so a stray magic number is not enough).
Result<bool> md1_at(const ByteSource& device, uint64_t offset) {
  if (offset + 256 > device.size()) return false;
  auto b = start_of_block(device, offset, 256);
  if (!b) return std::move(b).error();
  return le32(*b, 0) == kMdMagic && le32(*b, 4) == 1 && (le32(*b, 144) | (uint64_t)le32(*b, 148) << 32) == offset / 512;
}

}  // namespace

bool all_zero(std::span<const uint8_t> bytes) {
  const uint8_t* p = bytes.data();
  size_t left = bytes.size();
  // Blocks of 4 KiB OR-ed into one word (no branch inside, so the compiler vectorises it); the
  // first non-zero block ends the scan.
  constexpr size_t kBlock = 4096;
  while (left >= kBlock) {
    uint64_t acc = 0;
    for (size_t i = 0; i < kBlock; i += sizeof(uint64_t)) {
      uint64_t word;
      std::memcpy(&word, p + i, sizeof word);
      acc |= word;
    }
    if (acc != 0) return false;
    p += kBlock;
    left -= kBlock;
  }
  for (size_t i = 0; i < left; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

std::string content_name(Content content) {
  switch (content) {
    case Content::Blank: return "nothing (blank)";
    case Content::Unknown: return "unknown non-zero data";
    case Content::Ext2: return "ext2";
    case Content::Ext3: return "ext3";
    case Content::Ext4: return "ext4";
    case Content::Xfs: return "xfs";
    case Content::Btrfs: return "btrfs";
    case Content::Swap: return "swap";
    case Content::Luks: return "a LUKS header";
    case Content::Lvm: return "an LVM physical volume";
    case Content::Md090: return "md superblock 0.90";
    case Content::Md10: return "md superblock 1.0";
    case Content::Md11: return "md superblock 1.1";
    case Content::Md12: return "md superblock 1.2";
    case Content::Mbr: return "an MBR partition table";
    case Content::Gpt: return "a GPT partition table";
  }
  return "?";
}

std::string filesystem_type(Content content) {
  switch (content) {
    case Content::Ext2: return "ext2";
    case Content::Ext3: return "ext3";
    case Content::Ext4: return "ext4";
    case Content::Xfs: return "xfs";
    case Content::Btrfs: return "btrfs";
    case Content::Swap: return "swap";
    default: return "";
  }
}

bool is_md_member(Content content) {
  return content == Content::Md090 || content == Content::Md10 || content == Content::Md11 || content == Content::Md12;
}

Result<bool> range_is_zero(const ByteSource& source, uint64_t offset, uint64_t length, uint64_t first_piece) {
  uint64_t piece = std::clamp<uint64_t>(first_piece, 4096, kMiB);
  for (uint64_t done = 0; done < length; done += piece, piece = std::min<uint64_t>(piece * 2, kMiB)) {
    auto bytes = source.view_at(offset + done, static_cast<size_t>(std::min(piece, length - done)));
    if (!bytes) return std::move(bytes).error();
    if (!all_zero(*bytes)) return false;
  }
  return true;
}

Result<ProbeResult> probe(const ByteSource& device) {
  const uint64_t size = device.size();
  // A size of 0 is a disk not ready yet (or an md array never started), not a blank one.
  if (size == 0)
    return Error("probe " + device.name() + ": the device reports a size of 0 bytes; it is not ready, nothing is written to it");
  ProbeResult result;
  // md first: a member's own data (a filesystem at the data offset, or the whole device for 0.90
  // and 1.0, whose superblock sits at the end) must never be taken for the device's content. Its
  // 4 KiB reads are all an array's member costs to probe.
  for (auto [offset, kind] : {std::pair<uint64_t, Content>{4096, Content::Md12}, {0, Content::Md11}}) {
    auto found = md1_at(device, offset);
    if (!found) return std::move(found).error().wrap("probe " + device.name());
    if (*found) return ProbeResult{kind, 0};
  }
  if (size >= 16 * 512) {
    auto found = md1_at(device, ((size / 512 - 16) & ~uint64_t{7}) * 512);
    if (!found) return std::move(found).error().wrap("probe " + device.name());
    if (*found) return ProbeResult{Content::Md10, 0};
  }
  if (size >= 128 * 1024) {
    uint64_t offset = (size & ~uint64_t{64 * 1024 - 1}) - 64 * 1024;
    auto b = start_of_block(device, offset, 8);
    if (!b) return std::move(b).error().wrap("probe " + device.name());
    if (le32(*b, 0) == kMdMagic && le32(*b, 4) == 0) return ProbeResult{Content::Md090, 0};
  }

  // The head holds every start-of-device signature (btrfs sits at 64 KiB + 64, the largest swap
  // page ends at 64 KiB); the rest of the first MiB is read only when the head is blank.
  const size_t head_length = static_cast<size_t>(std::min<uint64_t>(size, 128 * 1024));
  auto head_read = device.view_at(0, head_length);
  if (!head_read) return std::move(head_read).error().wrap("probe " + device.name());
  const Bytes head = *head_read;

  if (has(head, 0, "LUKS\xba\xbe", 6)) return ProbeResult{Content::Luks, 0};
  for (size_t sector = 0; sector < 4; ++sector) {
    if (has(head, sector * 512, "LABELONE", 8) && has(head, sector * 512 + 24, "LVM2 001", 8)) return ProbeResult{Content::Lvm, 0};
  }
  if (has(head, 0, "XFSB", 4) && head.size() >= 16) {
    return ProbeResult{Content::Xfs, static_cast<uint64_t>(be32(head, 4)) * be64(head, 8)};
  }
  if (has(head, 65536 + 64, "_BHRfS_M", 8)) return ProbeResult{Content::Btrfs, 0};
  if (head.size() >= 2048 && le16(head, 1024 + 56) == 0xEF53) {
    uint32_t compat = le32(head, 1024 + 92), incompat = le32(head, 1024 + 96), ro_compat = le32(head, 1024 + 100);
    // Features ext2 and ext3 never had (extents, 64bit, flex_bg, huge files, checksums...) make it ext4.
    const uint32_t old_incompat = 0x2 | 0x4 | 0x8 | 0x10, old_ro_compat = 0x1 | 0x2 | 0x4;
    if ((incompat & ~old_incompat) != 0 || (ro_compat & ~old_ro_compat) != 0) {
      result.content = Content::Ext4;
    } else {
      result.content = (compat & 0x4) != 0 ? Content::Ext3 : Content::Ext2;
    }
    uint32_t log_block = le32(head, 1024 + 24);
    if (log_block <= 6) {
      uint64_t blocks = le32(head, 1024 + 4);
      if ((incompat & 0x80) != 0) blocks |= static_cast<uint64_t>(le32(head, 1024 + 0x150)) << 32;
      result.filesystem_bytes = blocks * (uint64_t{1024} << log_block);
    }
    return result;
  }
  for (size_t page : {4096, 8192, 16384, 65536}) {
    if (has(head, page - 10, "SWAPSPACE2", 10) || has(head, page - 10, "SWAP-SPACE", 10)) return ProbeResult{Content::Swap, 0};
  }
  if (has(head, 512, "EFI PART", 8) || has(head, 4096, "EFI PART", 8)) return ProbeResult{Content::Gpt, 0};
  if (head.size() >= 512 && head[510] == 0x55 && head[511] == 0xAA) return ProbeResult{Content::Mbr, 0};

  // Blank: the first and the last MiB are zeros (the head's view is not used after the next read).
  bool zero = all_zero(head);
  const uint64_t first_mib = std::min<uint64_t>(size, kMiB);
  if (zero && first_mib > head_length) {
    auto rest = range_is_zero(device, head_length, first_mib - head_length);
    if (!rest) return std::move(rest).error().wrap("probe " + device.name());
    zero = *rest;
  }
  if (zero && size > first_mib) {
    uint64_t tail_offset = std::max<uint64_t>(size - std::min<uint64_t>(size, kMiB), first_mib);
    auto tail = range_is_zero(device, tail_offset, size - tail_offset);
    if (!tail) return std::move(tail).error().wrap("probe " + device.name());
    zero = *tail;
  }
  result.content = zero ? Content::Blank : Content::Unknown;
  return result;
}

}  // namespace taupage
