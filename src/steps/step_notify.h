/// The notify step (last of the late stage): SUCCESS to CloudFormation for notify_cfn, unless
/// this boot already sent FAILURE. The FAILURE side is the runner's on_failure hook
/// (cfn_signal.h), so that whichever stage fails sends it.
#pragma once

#include "engine/step.h"

namespace taupage {

class NotifyStep : public Step {
 public:
  std::string_view name() const override { return "notify"; }
  Stage stage() const override { return Stage::Late; }
  std::vector<PlanAction> describe(const Config& config) const override;
  Outcome run(Context& context) override;
};

}  // namespace taupage
