/// The md 1.2 superblocks of a new array, one per member, as mdadm --create lays them out for the
/// levels Taupage creates, and the regions of each member zeroed before they are written. Pure
/// functions: the raid step decides when to create; this file knows how an array begins.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/md_superblock.h"

namespace taupage {

// The name recorded in the superblock: "any:<name>", as `mdadm --homehost any` writes it, so that
// mdadm on any host brings the array back as /dev/md/<name>.
std::string md_recorded_name(const std::string& name);

// The superblocks Taupage writes for a new array named `name` at `level` over members of `member_bytes` bytes,
// one per member, laid out as mdadm lays out a new array (data offset, chunk, layout, roles).
std::vector<MdSuperblock1> new_array_superblocks(const std::string& name, int level, const std::vector<uint64_t>& member_bytes,
                                                 const MdUuid& set_uuid, const std::vector<MdUuid>& device_uuids, uint64_t now);

// The byte ranges of a new member (described by its superblock) that hold the array's first and
// last MiB, with room to spare for every level's layout: they are zeroed before the superblocks
// are written, so that an array cut off before it was zeroed through md is still blank.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};
std::vector<ByteRange> new_member_clear_ranges(const MdSuperblock1& sb);

}  // namespace taupage
