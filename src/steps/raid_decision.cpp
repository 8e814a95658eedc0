#include "steps/raid_decision.h"

#include <algorithm>
#include <map>

#include "util/strings.h"

namespace taupage {

int tolerated_failures(int level, int members) {
  switch (level) {
    case 1: return members - 1;
    case 5: return 1;
    case 6: return 2;
    case 10: return members / 2;  // at most one per mirror pair; the kernel checks the pairs
    default: return 0;
  }
}

bool carries_array(const MemberState& member, const RaidArray& array) {
  return member.superblock && member.superblock->short_name() == array.name;
}

namespace {

// Some members, not all, carry this array's superblock; each such one is untouched since its
// creation (the kernel never updated it; the array's data ends on it are the creation's zeros)
// and has the configured shape; every other member is here and blank (or may be erased). An
// array that ever ran has every member's superblock written before its start: this is not one.
bool unfinished_creation(const RaidArray& array, const std::vector<MemberState>& members, bool erase_allowed) {
  size_t carrying = 0;
  for (const auto& m : members) {
    if (!m.device || !m.running_array.empty()) return false;
    if (carries_array(m, array)) {
      if (!m.untouched_since_creation || m.superblock->level != array.level || m.superblock->raid_disks != members.size()) return false;
      ++carrying;
    } else if (m.content != Content::Blank && !erase_allowed) {
      return false;
    }
  }
  return carrying > 0 && carrying < members.size();
}

}  // namespace

RaidDecision decide_raid(const RaidArray& array, const std::vector<MemberState>& members, bool erase_allowed) {
  RaidDecision d;
  const std::string label = array.device;
  auto refuse = [&](std::string why) {
    d.action = RaidAction::Refuse;
    d.reason = std::move(why);
    return d;
  };
  auto ours = [&](const MemberState& m) { return carries_array(m, array); };

  // 1. Members already in a running array: keep ours, refuse anyone else's.
  std::string running;
  for (const auto& m : members) {
    if (m.running_array.empty()) continue;
    if (!ours(m)) {
      return refuse(m.configured + " is a member of the running array " + m.running_array + " (" +
                    (m.superblock ? "name " + quote(m.superblock->set_name) : "not an array of this config") + "); nothing was changed");
    }
    if (!running.empty() && running != m.running_array) {
      return refuse(label + ": its members run in two arrays, " + running + " and " + m.running_array + "; nothing was changed");
    }
    running = m.running_array;
  }
  if (!running.empty()) {
    d.action = RaidAction::Keep;
    d.running_array = running;
    d.reason = "already running as " + running;
    return d;
  }

  // 2. Members carrying this array's superblock: assemble, never create again.
  std::map<std::string, int> uuids;
  const MdSuperblock1* newest = nullptr;
  for (const auto& m : members) {
    if (!ours(m)) continue;
    uuids[md_uuid_text(m.superblock->set_uuid)]++;
    if (newest == nullptr || m.superblock->events > newest->events) newest = &*m.superblock;
  }
  if (uuids.size() > 1) {
    return refuse(label + ": the members carry superblocks of " + std::to_string(uuids.size()) + " different arrays named " +
                  quote(array.name) + "; nothing was changed");
  }
  if (newest != nullptr && unfinished_creation(array, members, erase_allowed)) {
    d.action = RaidAction::Create;
    d.reason = "create again: " + label + " is an unfinished creation (a cut while its superblocks were written: some members carry " +
               "the new superblock, never used, the others none)";
    return d;
  }
  if (newest != nullptr) {
    if (newest->level != array.level) {
      return refuse(strfmt("%s: the array on the members is RAID %d, the config says RAID %d; a reshape is never done, nothing was changed",
                           label.c_str(), newest->level, array.level));
    }
    if (newest->raid_disks != array.members.size()) {
      return refuse(strfmt("%s: the array on the members has %u members, the config lists %zu; nothing was changed", label.c_str(),
                           newest->raid_disks, array.members.size()));
    }
    for (size_t i = 0; i < members.size(); ++i) {
      const auto& m = members[i];
      if (!m.device) {
        d.missing++;
      } else if (ours(m)) {
        // The kernel accepts a member one event behind (the last update may not have reached
        // it); an older one would be kicked out, so it is added back after the start and resynced.
        if (m.superblock->events + 1 < newest->events) {
          d.stale.push_back(i);
        } else {
          d.start.push_back(i);
        }
      } else {
        return refuse(m.configured + " holds " + content_name(m.content) + ", not a member of " + label +
                      "; it was not added to the array and nothing was changed");
      }
    }
    int absent = static_cast<int>(array.members.size() - d.start.size());
    if (array.level == 0 && absent > 0) {
      return refuse(strfmt("%s: RAID 0 cannot start with %d of its %zu members missing or stale; nothing was changed", label.c_str(),
                           absent, array.members.size()));
    }
    if (absent > tolerated_failures(array.level, static_cast<int>(array.members.size()))) {
      return refuse(strfmt("%s: RAID %d cannot start with %d of its %zu members missing or stale; nothing was changed", label.c_str(),
                           array.level, absent, array.members.size()));
    }
    d.action = RaidAction::Assemble;
    d.reason = "assemble UUID " + md_uuid_text(newest->set_uuid);
    return d;
  }

  // 3. No member knows the array: create it, on blank members only (or erase_on_boot).
  for (const auto& m : members) {
    if (!m.device) return refuse(m.configured + " did not appear; an array is only created with all its members");
  }
  for (const auto& m : members) {
    if (m.content == Content::Blank) continue;
    if (!erase_allowed) {
      return refuse(m.configured + " holds " + content_name(m.content) +
                    "; an array is created only on blank members (set erase_on_boot: true on its mount to overwrite); nothing was changed");
    }
  }
  d.action = RaidAction::Create;
  d.reason = "create";
  return d;
}

}  // namespace taupage
