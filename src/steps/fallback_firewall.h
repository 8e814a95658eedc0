/// The firewall of an early stage whose user data cannot be used at all (no answer from the
/// instance metadata service, no user data, invalid YAML or config): the built-in rules and
/// sshd's own ports only. A hardened machine that failed to configure itself is not an open one,
/// and the operator can still log in on the port sshd really listens on.
#pragma once

#include <string>

#include "engine/report.h"
#include "firewall/netlink_channel.h"
#include "firewall/ruleset.h"
#include "host/sshd_ports.h"

namespace taupage {

struct FallbackFirewall {
  SshdPorts sshd;   // from <root>/etc/ssh/sshd_config and its Include files
  Ruleset ruleset;  // builtin_ruleset() and one rule per sshd port
};

FallbackFirewall fallback_firewall_for(const std::string& root);

// Replaces table inet taupage with the fallback ruleset (or, in a dry run, says that it would),
// logs one line in the format of a step's, and returns it as the `firewall` step of the report.
StepReport apply_fallback_firewall(NetlinkChannel& channel, const std::string& root, bool dry_run);

}  // namespace taupage
