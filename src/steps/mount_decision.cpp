#include "steps/mount_decision.h"

namespace taupage {

bool is_ext(const std::string& filesystem) { return filesystem == "ext2" || filesystem == "ext3" || filesystem == "ext4"; }

MountDecision decide_mount(const MountSpec& spec, Content found) {
  const std::string where = spec.partition + " (for " + spec.target + ")";
  if (spec.erase_on_boot) {
    // Asked for in writing, with a real YAML boolean: this device is scratch space.
    return {MountAction::Format, "erase_on_boot: true, formatted as " + spec.filesystem + " (it held " + content_name(found) + ")"};
  }
  if (found == Content::Blank) return {MountAction::Format, "blank, formatted as " + spec.filesystem};
  std::string type = filesystem_type(found);
  if (type == spec.filesystem) return {MountAction::Mount, "existing " + type};
  if (!type.empty()) {
    return {MountAction::Refuse,
            where + " holds " + type + ", the config says " + spec.filesystem +
                "; a filesystem of another type is never formatted over (erase_on_boot: true would); nothing was changed"};
  }
  return {MountAction::Refuse, where + " holds " + content_name(found) +
                                   ", not a filesystem; only a blank device is formatted (erase_on_boot: true would); nothing was changed"};
}

}  // namespace taupage
