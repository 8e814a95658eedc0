/// The `mounts` step (early stage): each configured mount is formatted only when erase_on_boot
/// says so or the device is blank, checked with fsck.<fs> -p, mounted with mount(2) at
/// <root>/mounts<target> on a tmpfs Taupage puts over <root>/mounts (the root may be read-only), grown.
#pragma once

#include <memory>

#include "engine/step.h"

namespace taupage {

std::unique_ptr<Step> make_mounts_step();

}  // namespace taupage
