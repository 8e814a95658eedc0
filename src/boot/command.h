/// The sub-commands of `taupage` (check, plan, boot, version, ...): each a name, a one-line
/// summary, its usage text and a function returning the exit code (0 ok, 1 invalid or failed,
/// 2 wrong usage). main() only dispatches.
#pragma once

#include <string>
#include <vector>

namespace taupage {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  const char* name;
  const char* summary;
  const char* usage;  // full --help text
  int (*run)(const std::vector<std::string>& args);
};

const std::vector<Command>& all_commands();
// The command with that name; it must exist.
const Command& command_named(const std::string& name);

// Prints "taupage NAME: MESSAGE" and the usage line; returns kExitUsage.
int usage_error(const Command& command, const std::string& message);
// Writes to standard output / standard error.
void out(const std::string& text);
void err(const std::string& text);

}  // namespace taupage
