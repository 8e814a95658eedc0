/// The `firewall` step (early stage): replaces table `inet taupage` with the ruleset derived from
/// the config, in one atomic netlink batch, before any service listens. Other tables (Docker's)
/// are never touched.
#pragma once

#include <memory>

#include "engine/step.h"
#include "firewall/ruleset.h"

namespace taupage {

// The ruleset for this config: the built-in rules, then ssh_ports and ports, each rule with the
// user-data line it comes from.
Ruleset ruleset_for(const Config& config);

std::unique_ptr<Step> make_firewall_step();

}  // namespace taupage
