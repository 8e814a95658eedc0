/// The `sysctl` step (system stage, before dockerd and the application): the kernel settings of
/// `sysctl`, written through <root>/proc/sys. The allow rule (config/sysctl_rule.h) was applied
/// when the user data was read; here every key must exist in this kernel before any is written,
/// so that a missing one changes nothing.
#pragma once

#include <memory>

#include "engine/step.h"

namespace taupage {

std::unique_ptr<Step> make_sysctl_step();

}  // namespace taupage
