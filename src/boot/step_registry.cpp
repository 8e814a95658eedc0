#include "boot/step_registry.h"

#include "boot/notify_step.h"
#include "boot/secrets_step.h"

namespace taupage {

StepList all_steps() {
  StepList steps;
  // early stage
  // system stage
  // late stage
  steps.push_back(std::make_unique<SecretsStep>());
  steps.push_back(std::make_unique<NotifyStep>());
  return steps;
}

}  // namespace taupage
