/// The plan: for each stage, the steps in order and what each will do, derived from the Config
/// alone. `taupage plan` prints it; `boot --dry-run` shows it instead of acting. Secret values
/// never appear in it: steps describe them masked.
#pragma once

#include <string>
#include <vector>

#include "engine/step.h"
#include "util/json.h"

namespace taupage {

struct PlannedStep {
  Stage stage;
  std::string step;
  std::vector<PlanAction> actions;  // empty: nothing to do
};

std::vector<PlannedStep> make_plan(const Config& config, const StepList& steps, const std::vector<Stage>& stages);
std::string render_plan_text(const std::vector<PlannedStep>& plan);
Json render_plan_json(const std::vector<PlannedStep>& plan);

}  // namespace taupage
