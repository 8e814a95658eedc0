/// Every step Taupage knows, in boot order (early, then system, then late). A new step is one
/// line in step_registry.cpp.
#pragma once

#include <memory>
#include <vector>

#include "engine/step.h"

namespace taupage {

StepList all_steps();

}  // namespace taupage
