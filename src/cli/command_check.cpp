#include "cli/args.h"
#include "cli/command.h"
#include "cli/user_data_input.h"
#include "config/config_reader.h"
#include "util/strings.h"

namespace taupage {

int run_check(const Command&, const Args& args) {
  int exit_code = kExitOk;
  auto user_data = read_user_data_argument(args.positionals(), &exit_code);
  if (!user_data) return exit_code;
  ConfigRead read = read_config(*user_data, ReadOptions{args.flag("strict")});
  std::string report;
  for (const auto& d : read.diagnostics) report += d.render() + "\n";
  err(report);
  size_t errors = count_errors(read.diagnostics);
  size_t warnings = read.diagnostics.size() - errors;
  std::string name = args.positionals().empty() || args.positionals()[0] == "-" ? "standard input" : args.positionals()[0];
  if (errors) {
    out(strfmt("%s: invalid: %zu error%s, %zu warning%s\n", name.c_str(), errors, errors == 1 ? "" : "s", warnings,
               warnings == 1 ? "" : "s"));
    return kExitFailed;
  }
  out(strfmt("%s: valid, %zu warning%s\n", name.c_str(), warnings, warnings == 1 ? "" : "s"));
  return kExitOk;
}

const Command& check_command() {
  static const Command command{"check",
                               "validate user data",
                               "taupage check [FILE|-] [--strict]\n"
                               "  Validates user data (default: standard input) and prints every error and warning with its\n"
                               "  path, line and column. --strict makes every key that would be ignored an error:\n"
                               "  unknown keys, and options of the original Taupage that this one ignores (warnings\n"
                               "  otherwise, each saying why). Set to false or left empty, such an option asks for\n"
                               "  nothing and draws no message in either mode.\n"
                               "  Exit: 0 valid, 1 invalid, 2 wrong usage.",
                               {},
                               {"strict"},
                               1,
                               run_check};
  return command;
}

}  // namespace taupage
