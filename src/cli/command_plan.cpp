#include "cli/args.h"
#include "cli/command.h"
#include "cli/user_data_input.h"
#include "config/config_reader.h"
#include "engine/plan.h"
#include "steps/step_registry.h"

namespace taupage {

int run_plan(const Command&, const Args& args) {
  int exit_code = kExitOk;
  auto user_data = read_user_data_argument(args.positionals(), &exit_code);
  if (!user_data) return exit_code;
  ConfigRead read = read_config(*user_data);
  std::string diagnostics;
  for (const auto& d : read.diagnostics) diagnostics += d.render() + "\n";
  err(diagnostics);
  if (!read.config) return kExitFailed;
  StepList steps = all_steps();
  auto plan = make_plan(*read.config, steps, {Stage::Early, Stage::System, Stage::Late});
  out(args.flag("json") ? render_plan_json(plan).dump(2) + "\n" : render_plan_text(plan));
  return kExitOk;
}

const Command& plan_command() {
  static const Command command{"plan",
                               "print every action boot would take",
                               "taupage plan [FILE|-] [--json]\n"
                               "  Prints, stage by stage, what each step would do for this user data, with the line each\n"
                               "  action comes from. Secret values print masked. Touches nothing.\n"
                               "  Exit: 0 planned, 1 invalid user data, 2 wrong usage.",
                               {},
                               {"json"},
                               1,
                               run_plan};
  return command;
}

}  // namespace taupage
