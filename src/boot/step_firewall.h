/// The `firewall` step (early stage): replaces table `inet taupage` with the ruleset derived from
/// the config, in one atomic netlink batch, before any service listens. Other tables (Docker's)
/// are never touched.
#pragma once

#include <memory>

#include "boot/step.h"

namespace taupage {

std::unique_ptr<Step> make_firewall_step();

}  // namespace taupage
