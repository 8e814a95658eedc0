/// What the mounts step does with one configured device, decided from what is on it: format it
/// (erase_on_boot, or blank), check and mount the filesystem it has, or refuse. A pure function,
/// so the whole table is unit-tested; a refusal never touches the device.
#pragma once

#include <string>

#include "config/config.h"
#include "storage/probe.h"

namespace taupage {

enum class MountAction { Format, Mount, Refuse };

struct MountDecision {
  MountAction action = MountAction::Refuse;
  std::string reason;
};

MountDecision decide_mount(const MountSpec& spec, Content found);

// Filesystems Taupage checks with fsck.<fs> -p before mounting, and can grow.
bool is_ext(const std::string& filesystem);

}  // namespace taupage
