#include "steps/step_notify.h"

#include "steps/cfn_signal.h"
#include "util/strings.h"

namespace taupage {

std::vector<PlanAction> NotifyStep::describe(const Config& config) const {
  if (!config.notify_cfn) return {};
  return {{"SignalResource " + config.notify_cfn->stack + "/" + config.notify_cfn->resource +
               " SUCCESS, UniqueId = instance id (CFN_V1, SigV4 fallback)",
           strfmt("line %d", config.notify_cfn->mark.line)}};
}

Outcome NotifyStep::run(Context& context) {
  if (!context.config.notify_cfn) return Outcome::skipped("no notify_cfn in the config");
  if (auto earlier = signal_sent_in_boot(context.settings.state_dir, context.settings.boot_id); earlier == "FAILURE") {
    return Outcome::failed("FAILURE was already sent to CloudFormation in this boot; SUCCESS is not sent after it");
  }
  if (!context.services.aws) return Outcome::failed("no AWS access in this run; CloudFormation was not told");
  SignalTarget target{context.config.notify_cfn->stack, context.config.notify_cfn->resource};
  auto sent = send_cfn_signal(*context.services.aws, target, "SUCCESS");
  if (!sent) return Outcome::failed(sent.error().message());
  if (sent->no_longer_waiting) return Outcome::kept(sent->detail);
  record_signal(context.settings.state_dir, context.settings.boot_id, "SUCCESS");
  return Outcome::created(sent->detail);
}

}  // namespace taupage
