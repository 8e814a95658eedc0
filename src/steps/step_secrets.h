/// The secrets step (late stage): decrypts every aws:kms: value of `environment` with KMS in the
/// instance's region and keeps the plaintexts in Context::secrets, in memory only. Throttling
/// is retried until the step's deadline, since a fleet scale-out throttles a whole account for
/// minutes; any other failure names the variable, never the value.
#pragma once

#include "engine/step.h"

namespace taupage {

class SecretsStep : public Step {
 public:
  static constexpr int64_t kThrottleDeadlineMs = 8 * 60 * 1000;

  std::string_view name() const override { return "secrets"; }
  Stage stage() const override { return Stage::Late; }
  std::vector<PlanAction> describe(const Config& config) const override;
  Outcome run(Context& context) override;
};

}  // namespace taupage
