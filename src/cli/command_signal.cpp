// `taupage signal SUCCESS|FAILURE [--config FILE | --stack S --resource R]`: the CloudFormation
// signal by hand, as cfn-signal sends it (CFN_V1 with the instance identity, SigV4 fallback).
#include "cli/args.h"
#include "cli/aws_runtime.h"
#include "cli/command.h"
#include "cli/user_data_input.h"
#include "config/config_reader.h"
#include "steps/cfn_signal.h"
#include "util/log.h"

namespace taupage {

int run_signal(const Command& self, const Args& args) {
  if (args.positionals().empty()) return usage_error(self, "SUCCESS or FAILURE is missing");
  std::string status = args.positionals()[0];
  if (status != "SUCCESS" && status != "FAILURE") return usage_error(self, "the status must be SUCCESS or FAILURE, not " + status);
  SignalTarget target;
  if (args.has("config")) {
    if (args.has("stack") || args.has("resource")) return usage_error(self, "give either --config or --stack and --resource");
    auto input = read_user_data_input(args.value("config"));
    if (!input.text) {
      err("taupage signal: " + input.error + "\n");
      return input.exit_code;
    }
    const std::string& text = *input.text;
    ConfigRead read = read_config(text);
    if (auto found = notify_target_of(read)) {
      target = *found;
    } else {
      err("taupage signal: " + args.value("config") + " has no notify_cfn with stack and resource\n");
      return kExitFailed;
    }
  } else {
    target = {args.value("stack"), args.value("resource")};
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

const Command& signal_command() {
  static const Command command{"signal",
                               "send the CloudFormation signal by hand",
                               "taupage signal SUCCESS|FAILURE [--config FILE | --stack S --resource R]\n"
                               "  Sends SignalResource for this instance, as cfn-signal does (CFN_V1 with the instance\n"
                               "  identity document; SigV4 with the instance's credentials as the fallback). The stack and\n"
                               "  resource come from notify_cfn in FILE or from --stack and --resource.\n"
                               "  Exit: 0 sent, 1 failed or CloudFormation no longer waits for a signal, 2 wrong usage.",
                               {"config", "stack", "resource"},
                               {},
                               1,
                               run_signal};
  return command;
}

}  // namespace taupage
