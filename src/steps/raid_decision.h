/// What the raid step does with one configured array, decided from what is on its members:
/// keep it running, assemble it from its own superblocks, create it on blank members, or refuse.
/// A pure function, so that every data-loss rule is unit-tested without a disk.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "storage/block_devices.h"
#include "storage/md_new_array.h"
#include "storage/md_superblock.h"
#include "storage/probe.h"

namespace taupage {

struct MemberState {
  std::string configured;            // as written, "/dev/xvdf"
  std::optional<DeviceInfo> device;  // nothing: it did not appear
  Content content = Content::Unknown;
  std::optional<MdSuperblock1> superblock;  // a readable md 1.2 superblock
  std::string running_array;                // the running array that holds it ("md127"), if any
  // The superblock is as Taupage's creation writes it and nothing has used the array since:
  // events 1 and utime == ctime (the kernel never updated it), and the array's data ends on this
  // member still hold the zeros the creation wrote before the superblocks (the raid step reads them).
  bool untouched_since_creation = false;
};

enum class RaidAction { Keep, Assemble, Create, Refuse };

struct RaidDecision {
  RaidAction action = RaidAction::Refuse;
  std::string reason;         // for Refuse: what was found where; otherwise a summary
  std::string running_array;  // Keep: the array to keep
  std::vector<size_t> start;  // Assemble: members to start with (indexes into the members)
  std::vector<size_t> stale;  // Assemble: members of this array with older events, added back after
  int missing = 0;            // Assemble: members absent (degraded)
};

// The member carries a superblock of this array (by its recorded name).
bool carries_array(const MemberState& member, const RaidArray& array);
// Members that may be missing while a level still has all its data.
int tolerated_failures(int level, int members);

// `erase_allowed`: a mount on this array has erase_on_boot: true, so members that are not blank
// may be overwritten (never members of a running array).
// A creation cut while the superblocks were written (some members carry this array's superblock,
// untouched since creation, and the others are blank) is created again, not refused: the array
// never ran, so nothing can have been written to it.
RaidDecision decide_raid(const RaidArray& array, const std::vector<MemberState>& members, bool erase_allowed);

}  // namespace taupage
