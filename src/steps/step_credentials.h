/// The credentials step (late stage, before the container): the application's user.json and
/// client.json from the mint bucket into /meta/credentials, once; `taupage credentials` keeps
/// them fresh afterwards. As in the original, a failure is a loud warning, not a failed boot:
/// Senza sets mint_bucket for every application, also the many that never read credentials.
#pragma once

#include "engine/step.h"
#include "steps/container_spec.h"  // kApplicationUid, kApplicationGid

namespace taupage {

class CredentialsStep : public Step {
 public:
  std::string_view name() const override { return "credentials"; }
  Stage stage() const override { return Stage::Late; }
  std::vector<PlanAction> describe(const Config& config) const override;
  Outcome run(Context& context) override;
};

}  // namespace taupage
