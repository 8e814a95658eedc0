#include <unistd.h>

#include "cli/command.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

const std::vector<const Command*>& all_commands() {
  static const std::vector<const Command*> commands = {&check_command(),  &plan_command(),        &boot_command(),     &decrypt_command(),
                                                       &signal_command(), &credentials_command(), &metadata_command(), &version_command()};
  return commands;
}

const Command* find_command(const std::string& name) {
  for (const Command* command : all_commands()) {
    if (name == command->name) return command;
  }
  return nullptr;
}

int run_command(const Command& command, const std::vector<std::string>& argv) {
  auto args = Args::parse(argv, command.value_options, command.flags, command.max_positionals);
  if (!args) return usage_error(command, args.error().message());
  return command.run(command, *args);
}

void out(const std::string& text) { write_all(1, text); }
void err(const std::string& text) { write_all(2, printable(Log::redact(text))); }

int usage_error(const Command& command, const std::string& message) {
  err("taupage " + std::string(command.name) + ": " + message + "\nusage: " + command.usage.substr(0, command.usage.find('\n')) + "\n");
  return kExitUsage;
}

}  // namespace taupage
