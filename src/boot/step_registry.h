/// Every step Taupage knows, in boot order (early, then system, then late). A new step is one
/// line in step_registry.cpp.
#pragma once

#include <memory>
#include <vector>

#include "boot/step.h"

namespace taupage {

using StepList = std::vector<std::unique_ptr<Step>>;

StepList all_steps();

}  // namespace taupage
