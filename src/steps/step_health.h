/// The `health` step (late stage): GET http://127.0.0.1:<port><path> until HTTP 200 or the
/// timeout, failing at once when the application exits or restarts; skipped without a path.
#pragma once

#include "engine/step.h"

namespace taupage {

class HealthStep : public Step {
 public:
  std::string_view name() const override { return "health"; }
  Stage stage() const override { return Stage::Late; }
  std::vector<PlanAction> describe(const Config& config) const override;
  Outcome run(Context& context) override;
};

}  // namespace taupage
