/// The host section of user data: what Taupage sets up on the instance around the container
/// (sshd's ports, kernel settings, shutdown, the log agents' keys, the mint bucket) and where it
/// reports (notify_cfn), read into the Config with each value's origin.
#pragma once

#include <string>
#include <vector>

#include "config/top_level_key.h"

namespace taupage {

const std::vector<TopLevelKey>& host_keys();

// Records the origin of defaults the section fills (ssh_ports [22]).
void finish_host(Config& config);

// The provenance address of config.ssh_ports[index].
std::string ssh_port_address(size_t index);

}  // namespace taupage
