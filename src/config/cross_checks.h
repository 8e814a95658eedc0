/// The checks that span several keys of user data: ports against sshd's ports and networking,
/// the health check against the ports, RAID members against each other and against the mounts.
/// They run on the typed Config once every section is read, and name both ends of a conflict from its provenance.
#pragma once

#include "config/config.h"
#include "config/node_reader.h"

namespace taupage {

// Reports through `reader`; with host networking a hostname is dropped (with a warning).
void check_across_keys(NodeReader& reader, Config& config);

}  // namespace taupage
