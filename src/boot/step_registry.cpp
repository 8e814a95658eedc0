#include "boot/step_registry.h"

namespace taupage {

StepList all_steps() {
  StepList steps;
  // early stage
  // system stage
  // late stage
  return steps;
}

}  // namespace taupage
