#include "boot/args.h"
#include "boot/command.h"
#include "boot/plan.h"
#include "boot/user_data_input.h"
#include "config/config_reader.h"

namespace taupage {

int run_plan(const std::vector<std::string>& argv) {
  const Command& self = command_named("plan");
  auto args = Args::parse(argv, {}, {"json"}, 1);
  if (!args) return usage_error(self, args.error().message());
  std::string path = args->positionals().empty() ? "-" : args->positionals()[0];
  auto input = read_user_data_input(path);
  if (!input.text) {
    err("error: " + input.error + "\n");
    return input.exit_code;
  }
  const std::string& user_data = *input.text;
  ConfigRead read = read_config(user_data);
  std::string diagnostics;
  for (const auto& d : read.diagnostics) diagnostics += d.render() + "\n";
  err(diagnostics);
  if (!read.config) return kExitFailed;
  StepList steps = all_steps();
  auto plan = make_plan(*read.config, steps, {Stage::Early, Stage::System, Stage::Late});
  out(args->flag("json") ? render_plan_json(plan).dump(2) + "\n" : render_plan_text(plan));
  return kExitOk;
}

}  // namespace taupage
