/// Applies a Ruleset through a NetlinkChannel and reads the kernel's answer: the batch counts as
/// committed only when every message was acknowledged without error (an early "ok" means nothing
/// if a later message fails: the kernel then rolls the whole batch back).
#pragma once

#include "firewall/netlink_channel.h"
#include "firewall/ruleset.h"
#include "util/result.h"

namespace taupage {

// Whether table `inet NAME` exists now.
Result<bool> inet_table_exists(NetlinkChannel& channel, const std::string& table);

// Replaces the ruleset's table in one atomic batch. On error the message names the message the
// kernel refused ("rule 14 \"tcp dport 22 accept\" (ssh_ports: 22): No such file or directory")
// and the ruleset in place before is untouched.
Status apply_ruleset(NetlinkChannel& channel, const Ruleset& ruleset);

}  // namespace taupage
