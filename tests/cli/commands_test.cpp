#include "cli/command.h"

#include <gtest/gtest.h>

#include <set>

#include "engine/context.h"

namespace taupage {
namespace {

// The options a usage text names ("--config FILE", "--dry-run"), --help aside.
std::set<std::string> options_in_usage(const std::string& usage) {
  std::set<std::string> names;
  for (size_t at = usage.find("--"); at != std::string::npos; at = usage.find("--", at + 2)) {
    size_t end = at + 2;
    while (end < usage.size() && ((usage[end] >= 'a' && usage[end] <= 'z') || (end > at + 2 && usage[end] == '-'))) ++end;
    std::string name = usage.substr(at + 2, end - at - 2);
    if (!name.empty() && name != "help") names.insert(name);
  }
  return names;
}

TEST(Commands, UsageNamesExactlyTheOptionsParsed) {
  for (const Command* command : all_commands()) {
    std::set<std::string> declared = command->value_options;
    declared.insert(command->flags.begin(), command->flags.end());
    EXPECT_EQ(options_in_usage(command->usage), declared) << command->name;
  }
}

TEST(Commands, EveryCommandIsFoundByItsNameAndUnknownOnesAreNot) {
  EXPECT_EQ(all_commands().size(), 8u);
  for (const Command* command : all_commands()) {
    EXPECT_EQ(find_command(command->name), command);
    EXPECT_EQ(std::string(command->usage).rfind(std::string("taupage ") + command->name, 0), 0u) << command->usage;
  }
  EXPECT_EQ(find_command("bot"), nullptr);
  EXPECT_EQ(find_command(""), nullptr);
}

TEST(Commands, AWrongOptionIsAUsageErrorBeforeTheCommandRuns) {
  EXPECT_EQ(run_command(version_command(), {"--jsn"}), kExitUsage);
  EXPECT_EQ(run_command(check_command(), {"a.yaml", "b.yaml"}), kExitUsage);
}

TEST(Commands, TheHelpGivesTheDefaultsTheCodeUses) {
  EXPECT_NE(boot_command().usage.find("(default\n  " + std::to_string(kDefaultVolumeTimeoutSeconds) + ")"), std::string::npos);
}

}  // namespace
}  // namespace taupage
