/// The sub-commands of `taupage` (check, plan, boot, version, ...). Each command file describes its
/// command next to its code: name, one-line summary, usage text, the options it takes and the
/// function that runs it, so the help cannot drift from what is parsed. main() only dispatches.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "cli/args.h"

namespace taupage {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  const char* name;
  const char* summary;
  std::string usage;                    // full --help text; its first line is the synopsis
  std::set<std::string> value_options;  // --name VALUE
  std::set<std::string> flags;          // --name
  size_t max_positionals;
  // Runs with the arguments already checked against the declarations above; returns the exit code
  // (0 ok, 1 invalid or failed, 2 wrong usage).
  int (*run)(const Command& self, const Args& args);
};

// Each defined in its command_<name>.cpp.
const Command& check_command();
const Command& plan_command();
const Command& boot_command();
const Command& decrypt_command();
const Command& signal_command();
const Command& credentials_command();
const Command& metadata_command();
const Command& version_command();

// Every command, in the order `taupage --help` lists them.
const std::vector<const Command*>& all_commands();
// The command with that name, or null: an unknown command is a usage error.
const Command* find_command(const std::string& name);
// Parses `argv` against the command's declarations and runs it; a wrong option is a usage error.
int run_command(const Command& command, const std::vector<std::string>& argv);

// Prints "taupage NAME: MESSAGE" and the usage line; returns kExitUsage.
int usage_error(const Command& command, const std::string& message);
// Writes to standard output / standard error.
void out(const std::string& text);
void err(const std::string& text);

}  // namespace taupage
