#include "boot/step_registry.h"

#include "boot/step_mounts.h"
#include "boot/step_raid.h"
#include "boot/step_volumes.h"
#include "boot/notify_step.h"
#include "boot/secrets_step.h"

namespace taupage {

StepList all_steps() {
  StepList steps;
  // early stage (firewall and volumes come before raid when they exist)
  steps.push_back(make_volumes_step());
  steps.push_back(make_raid_step());
  steps.push_back(make_mounts_step());
  // system stage
  // late stage
  steps.push_back(std::make_unique<SecretsStep>());
  steps.push_back(std::make_unique<NotifyStep>());
  return steps;
}

}  // namespace taupage
