#include "boot/step_registry.h"

#include "boot/step_mounts.h"
#include "boot/step_raid.h"

namespace taupage {

StepList all_steps() {
  StepList steps;
  // early stage (firewall and volumes come before raid when they exist)
  steps.push_back(make_raid_step());
  steps.push_back(make_mounts_step());
  // system stage
  // late stage
  return steps;
}

}  // namespace taupage
