/// The `ssh` step (system stage, before sshd starts): sshd listens on exactly the `ssh_ports`,
/// through a drop-in `<root>/etc/ssh/sshd_config.d/taupage.conf`, with the main file's own `Port`
/// lines commented out and its Include of the drop-in folder added when missing.
#pragma once

#include <memory>

#include "engine/step.h"

namespace taupage {

std::unique_ptr<Step> make_ssh_step();

}  // namespace taupage
