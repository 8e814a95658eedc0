#include "boot/step_registry.h"

#include "boot/container_step.h"

namespace taupage {

StepList all_steps() {
  StepList steps;
  // early stage
  // system stage
  // late stage
  steps.push_back(std::make_unique<ContainerStep>());
  steps.push_back(std::make_unique<HealthStep>());
  return steps;
}

}  // namespace taupage
