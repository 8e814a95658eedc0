/// The `raid` step (early stage): every array in volumes.raid is kept if it runs, assembled from
/// its own 1.2 superblocks if they are there, and created only on blank members, through md
/// ioctls. The decisions are in raid_decision.h; this file does what they say.
#pragma once

#include <memory>

#include "engine/step.h"
#include "storage/md_superblock.h"

namespace taupage {

std::unique_ptr<Step> make_raid_step();

// The superblocks Taupage writes for a new array over `members` (sizes in bytes), one per member.
std::vector<MdSuperblock1> new_array_superblocks(const RaidArray& array, const std::vector<uint64_t>& member_bytes, const MdUuid& set_uuid,
                                                 const std::vector<MdUuid>& device_uuids, uint64_t now);

// The byte ranges of a new member (described by its superblock) that hold the array's first and
// last MiB, with room to spare for every level's layout: they are zeroed before the superblocks
// are written, so that an array cut off before it was zeroed through md is still blank.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};
std::vector<ByteRange> new_member_clear_ranges(const MdSuperblock1& sb);

}  // namespace taupage
