#include "boot/args.h"
#include "boot/command.h"
#include "boot/user_data_input.h"
#include "config/config_reader.h"
#include "util/strings.h"

namespace taupage {

int run_check(const std::vector<std::string>& argv) {
  const Command& self = command_named("check");
  auto args = Args::parse(argv, {}, {"strict"}, 1);
  if (!args) return usage_error(self, args.error().message());
  std::string path = args->positionals().empty() ? "-" : args->positionals()[0];
  auto input = read_user_data_input(path);
  if (!input.text) {
    err("error: " + input.error + "\n");
    return input.exit_code;
  }
  const std::string& user_data = *input.text;
  ConfigRead read = read_config(user_data, ReadOptions{args->flag("strict")});
  std::string report;
  for (const auto& d : read.diagnostics) report += d.render() + "\n";
  err(report);
  size_t errors = count_errors(read.diagnostics);
  size_t warnings = read.diagnostics.size() - errors;
  std::string name = path == "-" ? "standard input" : path;
  if (errors) {
    out(strfmt("%s: invalid: %zu error%s, %zu warning%s\n", name.c_str(), errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s"));
    return kExitFailed;
  }
  out(strfmt("%s: valid, %zu warning%s\n", name.c_str(), warnings, warnings == 1 ? "" : "s"));
  return kExitOk;
}

}  // namespace taupage
