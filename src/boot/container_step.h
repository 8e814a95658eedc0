/// The late-stage steps around the application container: `container` (pull the image, then
/// create, keep, start or recreate `taupageapp`) and `health` (wait for HTTP 200 from it).
#pragma once

#include "boot/step.h"

namespace taupage {

class ContainerStep : public Step {
 public:
  std::string_view name() const override { return "container"; }
  Stage stage() const override { return Stage::Late; }
  std::vector<PlanAction> describe(const Config& config) const override;
  Outcome run(Context& context) override;
};

class HealthStep : public Step {
 public:
  std::string_view name() const override { return "health"; }
  Stage stage() const override { return Stage::Late; }
  std::vector<PlanAction> describe(const Config& config) const override;
  Outcome run(Context& context) override;
};

}  // namespace taupage
