// `taupage signal SUCCESS|FAILURE [--config FILE | --stack S --resource R]`: the CloudFormation
// signal by hand, as cfn-signal sends it (CFN_V1 with the instance identity, SigV4 fallback).
#include "boot/args.h"
#include "boot/aws_runtime.h"
#include "boot/cfn_signal.h"
#include "boot/command.h"
#include "boot/user_data_input.h"
#include "config/config_reader.h"
#include "util/log.h"

namespace taupage {

int run_signal(const std::vector<std::string>& argv) {
  const Command& self = command_named("signal");
  auto args = Args::parse(argv, {"config", "stack", "resource"}, {}, 1);
  if (!args) return usage_error(self, args.error().message());
  if (args->positionals().empty()) return usage_error(self, "SUCCESS or FAILURE is missing");
  std::string status = args->positionals()[0];
  if (status != "SUCCESS" && status != "FAILURE") return usage_error(self, "the status must be SUCCESS or FAILURE, not " + status);
  SignalTarget target;
  if (args->has("config")) {
    if (args->has("stack") || args->has("resource")) return usage_error(self, "give either --config or --stack and --resource");
    auto input = read_user_data_input(args->value("config"));
    if (!input.text) {
      err("taupage signal: " + input.error + "\n");
      return input.exit_code;
    }
    const std::string& text = *input.text;
    ConfigRead read = read_config(text);
    if (auto found = notify_target_of(read)) {
      target = *found;
    } else {
      err("taupage signal: " + args->value("config") + " has no notify_cfn with stack and resource\n");
      return kExitFailed;
    }
  } else {
    target = {args->value("stack"), args->value("resource")};
    if (target.stack.empty() || target.resource.empty()) return usage_error(self, "--stack and --resource (or --config) are needed");
  }
  AwsRuntime aws;
  auto sent = send_cfn_signal(aws.session, target, status);
  if (!sent) {
    err("taupage signal: " + sent.error().message() + "\n");
    return kExitFailed;
  }
  out(sent->detail + "\n");
  return sent->no_longer_waiting ? kExitFailed : kExitOk;
}

}  // namespace taupage
