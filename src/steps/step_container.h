/// The `container` step (late stage): pull the configured image (progress on the console,
/// bounded retries, a present image when the registry is down), then keep, start or recreate
/// `taupageapp` so that exactly one container runs as the config says.
#pragma once

#include "engine/step.h"

namespace taupage {

class ContainerStep : public Step {
 public:
  std::string_view name() const override { return "container"; }
  Stage stage() const override { return Stage::Late; }
  std::vector<PlanAction> describe(const Config& config) const override;
  Outcome run(Context& context) override;
};

}  // namespace taupage
