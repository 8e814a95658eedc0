#include "steps/step_raid.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "steps/raid_decision.h"
#include "steps/storage_changes.h"
#include "storage/block_devices.h"
#include "storage/md_control.h"
#include "storage/md_new_array.h"
#include "storage/probe.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

// TAUPAGE_TEST_CRASH_AT=<point> ends the process at that point, as a power cut there would, so
// that the QEMU tests can boot again from exactly that state. Nothing but those tests sets it.
void test_crash_point(const char* point) {
  const char* at = getenv("TAUPAGE_TEST_CRASH_AT");
  if (at == nullptr || std::string_view(at) != point) return;
  Log::error(strfmt("TAUPAGE_TEST_CRASH_AT=%s: the process ends here, as at a power cut", point));
  _exit(86);
}

// The superblock as a creation writes it, never updated by the kernel (which sets utime and
// counts events on every update), over the zeros the creation wrote first at the array's data
// ends on this member: a creation that stopped before the array ever ran.
bool untouched_since_creation(ByteSource& source, const MdSuperblock1& sb) {
  if (sb.events != 1 || sb.utime != sb.ctime) return false;
  for (const ByteRange& r : new_member_clear_ranges(sb)) {
    auto zero = range_is_zero(source, r.offset, r.length, 64 * 1024);
    if (!zero || !*zero) return false;
  }
  return true;
}

bool erase_allowed_for(const Config& config, const RaidArray& array) {
  return std::any_of(config.mounts.begin(), config.mounts.end(),
                     [&](const MountSpec& m) { return m.partition == array.device && m.erase_on_boot; });
}

std::string members_text(const RaidArray& array) { return join(array.members, " "); }

class RaidStep : public Step {
 public:
  std::string_view name() const override { return "raid"; }
  bool deferrable() const override { return true; }
  Stage stage() const override { return Stage::Early; }

  std::vector<PlanAction> describe(const Config& config) const override {
    std::vector<PlanAction> actions;
    for (const auto& array : config.raid) {
      actions.push_back(
          {strfmt("%s: RAID %d over %s; keep if running, assemble if present, create only on blank members%s", array.device.c_str(),
                  array.level, members_text(array).c_str(), erase_allowed_for(config, array) ? " (or any, erase_on_boot)" : ""),
           strfmt("line %d", array.mark.line)});
    }
    return actions;
  }

  Outcome run(Context& context) override {
    const Config& config = context.config;
    if (config.raid.empty()) return Outcome::skipped("no volumes.raid in the config");
    if (context.services.block_devices == nullptr || context.services.md == nullptr)
      return Outcome::failed("raid: no block device or md access in this build");
    std::vector<Done> done;
    for (const auto& array : config.raid) {
      auto result = one(context, array);
      if (!result) return Outcome::failed(refusal_after_changes(context.storage_changes, result.error().message()));
      done.push_back(*result);
    }
    return combined_outcome(done);
  }

 private:
  using Done = std::pair<std::string, OutcomeKind>;

  Result<Done> one(Context& context, const RaidArray& array) {
    BlockDevices& devices = *context.services.block_devices;
    MdControl& md = *context.services.md;
    auto running = md.running();
    if (!running) return std::move(running).error().wrap(array.device);

    // Every member is waited for (one deadline for the array): a slow volume is never taken for a missing one.
    std::vector<MemberState> members;
    const int64_t deadline = context.clock.monotonic_ms() + static_cast<int64_t>(context.settings.device_wait_seconds * 1000);
    for (const auto& path : array.members) {
      MemberState m;
      m.configured = path;
      double left = std::max<double>(0, static_cast<double>(deadline - context.clock.monotonic_ms()) / 1000.0);
      auto found = devices.find(path, left);
      if (!found) {
        Log::warn("raid " + array.device + ": member " + found.error().message());
        members.push_back(m);
        continue;
      }
      m.device = *found;
      for (const auto& r : *running) {
        if (std::find(r.members.begin(), r.members.end(), found->name) != r.members.end()) m.running_array = r.name;
      }
      auto source = devices.open(found->path);
      if (!source) return std::move(source).error().wrap(array.device);
      auto probed = probe(**source);
      if (!probed) return std::move(probed).error().wrap(array.device);
      m.content = probed->content;
      if (m.content == Content::Md12) {
        auto bytes = (*source)->view_at(kMd12SuperOffsetSectors * 512, 4096);
        if (!bytes) return std::move(bytes).error().wrap(array.device);
        auto sb = MdSuperblock1::decode(std::vector<uint8_t>(bytes->begin(), bytes->end()));
        if (sb) {
          m.superblock = *sb;
          m.untouched_since_creation = untouched_since_creation(**source, *sb);
        } else {
          Log::warn("raid " + array.device + ": " + path + ": " + sb.error().message());
        }
      }
      members.push_back(m);
    }

    if (auto released =
            release_partial_assemblies(md, array, *running, members, erase_allowed_for(context.config, array), context.storage_changes);
        !released) {
      return std::move(released).error();
    }
    RaidDecision decision = decide_raid(array, members, erase_allowed_for(context.config, array));
    switch (decision.action) {
      case RaidAction::Refuse: return Error(decision.reason);
      case RaidAction::Keep: {
        if (auto linked = md.link(array.name, decision.running_array); !linked) return std::move(linked).error().wrap(array.device);
        int added = 0;
        for (const auto& r : *running) {
          if (r.name != decision.running_array || r.degraded == 0) continue;
          added = rejoin_absent_members(md, array, r.name, members);
          if (added > 0) {
            context.storage_changes.push_back(strfmt("raid added %d member%s back to %s", added, added == 1 ? "" : "s", r.name.c_str()));
          }
          if (added < r.degraded) {
            Log::warn(strfmt("WARNING: raid %s (%s) runs DEGRADED: %d of %d members missing; its data has no redundancy left to lose",
                             array.device.c_str(), r.name.c_str(), r.degraded - added, r.raid_disks));
          }
        }
        if (added > 0) {
          return Done{strfmt("%s kept (running as %s), %d member%s added back", array.device.c_str(), decision.running_array.c_str(), added,
                             added == 1 ? "" : "s"),
                      OutcomeKind::Changed};
        }
        return Done{array.device + " kept (running as " + decision.running_array + ")", OutcomeKind::Kept};
      }
      case RaidAction::Assemble: return assemble(md, array, members, decision, context.storage_changes);
      case RaidAction::Create:
        if (decision.reason != "create") Log::warn("raid " + array.device + ": " + decision.reason);
        return create(context, array, members);
    }
    return Error("unreachable");
  }

  // A running array that is degraded while one of its absent members is here again (a volume that
  // came late; an assembly by someone else that went without it): a member carrying this array's
  // superblock, of the same set, is added back and the kernel resyncs it. One with more events
  // than the running members, or that ran without them, may hold newer writes: it is left alone,
  // never resynced over.
  int rejoin_absent_members(MdControl& md, const RaidArray& array, const std::string& running, const std::vector<MemberState>& members) {
    auto in_array =
        std::find_if(members.begin(), members.end(), [&](const MemberState& m) { return m.running_array == running && m.superblock; });
    if (in_array == members.end()) return 0;
    const MdSuperblock1& live = *in_array->superblock;
    int added = 0;
    for (const auto& m : members) {
      if (!m.device || !m.running_array.empty() || !carries_array(m, array) || m.superblock->set_uuid != live.set_uuid) continue;
      // The absent member's own superblock says the running member had dropped out: it ran
      // without it (split brain) and may hold writes the running array never saw.
      const auto& roles = m.superblock->dev_roles;
      bool ran_without_live = live.dev_number < roles.size() && roles[live.dev_number] >= kMdRoleFaulty;
      if (ran_without_live) {
        Log::warn(strfmt(
            "raid %s: %s belongs to the running array %s but ran without its members (split brain); not added back, check it by hand",
            array.device.c_str(), m.configured.c_str(), running.c_str()));
        continue;
      }
      if (m.superblock->events > live.events) {
        Log::warn(strfmt("raid %s: %s belongs to the running array %s but has newer events (%llu > %llu); not added back, check it by hand",
                         array.device.c_str(), m.configured.c_str(), running.c_str(), (unsigned long long)m.superblock->events,
                         (unsigned long long)live.events));
        continue;
      }
      if (auto joined = md.add_member(running, *m.device); !joined) {
        Log::warn("raid " + array.device + ": " + joined.error().message());
        continue;
      }
      Log::warn("raid " + array.device + ": " + m.configured + " was missing from the running array " + running +
                "; added back, the kernel resyncs it");
      ++added;
    }
    return added;
  }

  // udev's incremental assembly (mdadm -I) may hold some members in an array it never started:
  // md shows it "inactive". It is not running, and it keeps the members from being assembled.
  // One that holds nothing but members of this array is stopped; one that also holds anything
  // else is left alone, and the array is refused.
  Status release_partial_assemblies(MdControl& md, const RaidArray& array, const std::vector<RunningArray>& running,
                                    std::vector<MemberState>& members, bool erase_allowed, std::vector<std::string>& changes) {
    for (const auto& r : running) {
      if (r.state != "inactive") continue;
      if (std::none_of(members.begin(), members.end(), [&](const MemberState& m) { return m.running_array == r.name; })) continue;
      bool only_ours = std::all_of(r.members.begin(), r.members.end(), [&](const std::string& held) {
        return std::any_of(members.begin(), members.end(),
                           [&](const MemberState& m) { return m.device && m.device->name == held && carries_array(m, array); });
      });
      if (!only_ours) {
        return Error(strfmt(
            "%s: its members are held by %s, an inactive array (never started) that also holds other devices (%s); nothing was changed",
            array.device.c_str(), r.name.c_str(), join(r.members, ", ").c_str()));
      }
      // Stopped only when the members will be assembled; a refusal must leave it as it was.
      std::vector<MemberState> released = members;
      for (auto& m : released) {
        if (m.running_array == r.name) m.running_array.clear();
      }
      RaidDecision then = decide_raid(array, released, erase_allowed);
      if (then.action != RaidAction::Assemble) {
        return Error(then.action == RaidAction::Refuse ? then.reason
                                                       : array.device + ": held by the inactive array " + r.name + "; nothing was changed");
      }
      if (auto stopped = md.stop(r.name); !stopped) return std::move(stopped).error().wrap(array.device);
      changes.push_back("raid stopped the inactive array " + r.name);
      Log::warn(strfmt("raid %s: stopped %s, an inactive partial assembly of its members (%s) that was never started; assembling them here",
                       array.device.c_str(), r.name.c_str(), join(r.members, ", ").c_str()));
      for (auto& m : members) {
        if (m.running_array == r.name) m.running_array.clear();
      }
    }
    return Status::Ok();
  }

  Result<Done> assemble(MdControl& md, const RaidArray& array, const std::vector<MemberState>& members, const RaidDecision& d,
                        std::vector<std::string>& changes) {
    auto name = md.new_array_name();
    if (!name) return std::move(name).error().wrap(array.device);
    std::vector<DeviceInfo> start;
    for (size_t i : d.start) start.push_back(*members[i].device);
    if (auto started = md.start(*name, start); !started) return std::move(started).error().wrap("assemble " + array.device);
    if (auto linked = md.link(array.name, *name); !linked) return std::move(linked).error().wrap(array.device);
    int absent = static_cast<int>(array.members.size() - start.size());
    for (size_t i : d.stale) {
      Log::warn("raid " + array.device + ": " + members[i].configured + " is stale (older events); added back, the kernel resyncs it");
      if (auto added = md.add_member(*name, *members[i].device); !added) {
        Log::warn("raid " + array.device + ": " + added.error().message());
      } else {
        changes.push_back("raid added " + members[i].configured + " back to " + *name);
      }
    }
    if (absent > 0) {
      Log::warn(strfmt("WARNING: raid %s started DEGRADED on %zu of %zu members (%d missing, %zu stale); replace the missing volumes",
                       array.device.c_str(), start.size(), array.members.size(), d.missing, d.stale.size()));
    }
    std::string uuid = members[d.start.front()].superblock ? md_uuid_text(members[d.start.front()].superblock->set_uuid) : "";
    return Done{strfmt("%s assembled as %s from %zu members (UUID %s)%s", array.device.c_str(), name->c_str(), start.size(), uuid.c_str(),
                       absent > 0 ? ", DEGRADED" : ""),
                absent > 0 || !d.stale.empty() ? OutcomeKind::Changed : OutcomeKind::Kept};
  }

  // A new array is made blank by the mounts step's own rule (its first and last MiB zeros), so
  // that it is formatted on this boot and, if the boot is cut before the format, on the next one;
  // the members' old bytes between their blank ends must never show through it as "data".
  Result<Done> create(Context& context, const RaidArray& array, const std::vector<MemberState>& members) {
    BlockDevices& devices = *context.services.block_devices;
    MdControl& md = *context.services.md;
    std::vector<uint64_t> sizes;
    std::vector<MdUuid> device_uuids;
    for (const auto& m : members) {
      sizes.push_back(m.device->bytes);
      device_uuids.push_back(md.new_uuid());
    }
    auto sbs = new_array_superblocks(array.name, array.level, sizes, md.new_uuid(), device_uuids,
                                     static_cast<uint64_t>(context.clock.unix_seconds()));
    if (sbs.empty()) return Error(array.device + ": the members are too small for an array");
    auto failed = [&](Error e) { return std::move(e).wrap("create " + array.device); };
    // First, on every member, what will be the array's ends, and the old signatures at the end (md
    // 0.90 and 1.0); a cut here leaves blank members blank. Only then the superblocks: from the
    // first one on, the next boot assembles, and finds the array blank.
    for (size_t i = 0; i < members.size(); ++i) {
      const DeviceInfo& dev = *members[i].device;
      std::vector<Extent> zeros;
      for (const ByteRange& r : new_member_clear_ranges(sbs[i])) zeros.push_back({r.offset, r.length});
      uint64_t tail = std::min<uint64_t>(dev.bytes, 128 * 1024);
      zeros.push_back({dev.bytes - tail, tail});
      if (auto w = devices.write_zeros(dev.path, zeros); !w) return failed(std::move(w).error());
    }
    std::vector<DeviceInfo> start;
    for (size_t i = 0; i < members.size(); ++i) {
      const DeviceInfo& dev = *members[i].device;
      // An old signature at the start (an ext superblock at 1 KiB) goes with the new superblock's write.
      std::vector<uint8_t> head(4096, 0);
      auto sb = sbs[i].encode();
      head.insert(head.end(), sb.begin(), sb.end());
      if (auto w = devices.write_at(dev.path, 0, head); !w) return failed(std::move(w).error());
      start.push_back(dev);
    }
    auto name = md.new_array_name();
    if (!name) return std::move(name).error().wrap(array.device);
    if (auto started = md.start(*name, start); !started) return failed(std::move(started).error());
    if (auto linked = md.link(array.name, *name); !linked) return std::move(linked).error().wrap(array.device);
    test_crash_point("raid-created");
    // The rule itself, through the array: whatever its layout, its first and last MiB are zeros.
    auto node = devices.find(array.device, context.settings.device_wait_seconds);
    if (!node) return failed(std::move(node).error());
    if (node->bytes == 0) return Error("create " + array.device + ": " + node->path + " reports a size of 0 bytes after it was started");
    const uint64_t end = std::min<uint64_t>(node->bytes, kMiB);
    if (auto w = devices.write_zeros(node->path, {{0, end}, {node->bytes - end, end}}); !w) return failed(std::move(w).error());
    context.created_blank.emplace_back(node->major, node->minor);
    context.storage_changes.push_back(
        strfmt("raid created %s as %s over %s", array.device.c_str(), name->c_str(), members_text(array).c_str()));
    return Done{strfmt("%s created as %s: RAID %d over %zu members (UUID %s), its first and last MiB zeroed", array.device.c_str(),
                       name->c_str(), array.level, members.size(), md_uuid_text(sbs[0].set_uuid).c_str()),
                OutcomeKind::Created};
  }
};

}  // namespace

std::unique_ptr<Step> make_raid_step() { return std::make_unique<RaidStep>(); }

}  // namespace taupage
