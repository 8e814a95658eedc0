/// The `logagents` step (system stage, before the agents start: their units are ordered after
/// taupage-system.service): the configurations of the Scalyr and Logentries agents, with their
/// account keys (decrypted with KMS here when they are aws:kms: values), the four logs the
/// original followed, and for Scalyr the application's and the instance's attributes. The agents
/// themselves are not part of Taupage; a file holding a key is root's alone (0600).
#pragma once

#include <memory>

#include "engine/step.h"

namespace taupage {

// How long the step keeps retrying KMS throttling: sshd waits for the system stage.
inline constexpr int64_t kLogAgentsThrottleDeadlineMs = 2 * 60 * 1000;

std::unique_ptr<Step> make_log_agents_step();

}  // namespace taupage
