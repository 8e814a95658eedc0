/// What is on a device, read from its bytes: a filesystem, swap, LUKS, LVM, an md superblock, a
/// partition table, or nothing. "Blank" is stricter than "no signature": the first and last MiB
/// must also be all zeros, so unknown data, or a device that could not be read, is never free space.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "storage/byte_source.h"
#include "util/result.h"

namespace taupage {

enum class Content {
  Blank,    // no signature and the first and last MiB are zeros
  Unknown,  // no signature, but non-zero bytes where a signature would be
  Ext2,
  Ext3,
  Ext4,
  Xfs,
  Btrfs,
  Swap,
  Luks,
  Lvm,
  Md090,
  Md10,
  Md11,
  Md12,
  Mbr,
  Gpt,
};

struct ProbeResult {
  Content content = Content::Unknown;
  uint64_t filesystem_bytes = 0;  // the size the filesystem believes it has (ext*, xfs); 0 if unknown
};

// "ext4", "xfs", "md superblock 1.2", "an MBR partition table", "unknown non-zero data", "nothing (blank)".
std::string content_name(Content content);
// The filesystem type as mount(2) and mkfs.<type> name it ("ext4", "xfs", "btrfs", "swap"); empty otherwise.
std::string filesystem_type(Content content);
bool is_md_member(Content content);

// True when every byte is zero. Word-wise: a byte loop over the MiBs the blank rule reads cost
// about 10 ms per MiB under emulation, more than the reads themselves.
bool all_zero(std::span<const uint8_t> bytes);

// Whether `length` bytes at `offset` are all zeros, read a piece at a time: `first_piece` first,
// then pieces doubling to 1 MiB, stopping at the first with data. Where data is likely (a member's
// data area, whose filesystem shows in its first 64 KiB) a small first piece saves reading on
// through MiBs only to find it again; where zeros are likely (the blank rule's MiBs) one piece
// a MiB is the fewest requests. An error when the bytes cannot be read (which is never "zeros").
Result<bool> range_is_zero(const ByteSource& source, uint64_t offset, uint64_t length, uint64_t first_piece = 1024 * 1024);

// Reads the signatures; an error when the device cannot be read (which is never "blank").
Result<ProbeResult> probe(const ByteSource& device);

}  // namespace taupage
