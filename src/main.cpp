// taupage: the boot agent of a hardened EC2 image. Dispatches to the sub-commands.
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/command.h"
#include "util/log.h"

using namespace taupage;

namespace {

int print_help() {
  std::string text = "taupage " TAUPAGE_VERSION
                     ": turns a bare EC2 instance into one running, health-checked container,\n"
                     "from YAML user data that starts with #taupage-ami-config.\n\nusage: taupage COMMAND [ARGS]\n\ncommands:\n";
  for (const Command* command : all_commands()) {
    std::string name = command->name;
    text += "  " + name + std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') + command->summary + "\n";
  }
  text += "\n'taupage COMMAND --help' describes one command.\n";
  out(text);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // TAUPAGE_DEBUG=1 adds the debug lines (each AWS retry, unreadable CA certificates, DNS fallbacks).
  if (const char* debug = getenv("TAUPAGE_DEBUG"); debug && std::string(debug) == "1") Log::set_verbose(true);
  if (args.empty()) {
    print_help();
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") return print_help();
  if (args[0] == "--version") args[0] = "version";
  const Command* command = find_command(args[0]);
  if (!command) {
    err("taupage: unknown command \"" + args[0] + "\"; 'taupage --help' lists them\n");
    return kExitUsage;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const auto& arg : rest) {
    if (arg == "--help" || arg == "-h") {
      out("usage: " + command->usage + "\n");
      return kExitOk;
    }
  }
  return run_command(*command, rest);
}
