#include "boot/step_registry.h"

#include "boot/step_firewall.h"
#include "boot/step_ssh.h"

namespace taupage {

StepList all_steps() {
  StepList steps;
  // early stage
  steps.push_back(make_firewall_step());
  // system stage
  steps.push_back(make_ssh_step());
  // late stage
  return steps;
}

}  // namespace taupage
