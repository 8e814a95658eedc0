// The volumes step's own parts: what `plan` shows, the ${local_ipv4}/${public_ipv4} names, its
// place in the early stage before raid, and that it skips without volumes.ebs.
#include "steps/step_volumes.h"

#include <gtest/gtest.h>

#include "config/config_reader.h"
#include "steps/step_registry.h"
#include "support/manual_clock.h"

namespace taupage {
namespace {

Config config_from(const std::string& volumes_yaml) {
  std::string text =
      "#taupage-ami-config\napplication_id: app\napplication_version: \"1\"\nruntime: Docker\nsource: nginx:1\n" + volumes_yaml;
  ConfigRead read = read_config(text);
  EXPECT_TRUE(read.config.has_value());
  return read.config.value_or(Config{});
}

TEST(VolumesStep, PlanNamesEachDeviceTagAndLine) {
  Config config = config_from("volumes:\n  ebs:\n    /dev/sdf: foo\n    /dev/xvdg: db-${local_ipv4}\n");
  auto actions = make_volumes_step()->describe(config);
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].text.rfind("attach /dev/sdf <- Name=foo", 0), 0u) << actions[0].text;
  EXPECT_EQ(actions[0].source, "line 8");
  EXPECT_EQ(actions[1].text.rfind("attach /dev/xvdg <- Name=db-${local_ipv4}", 0), 0u) << actions[1].text;
  EXPECT_EQ(actions[1].source, "line 9");
}

TEST(VolumesStep, ComesBeforeRaidInTheEarlyStage) {
  auto steps = all_steps();
  int volumes = -1, raid = -1;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i]->name() == "volumes") volumes = static_cast<int>(i);
    if (steps[i]->name() == "raid") raid = static_cast<int>(i);
  }
  ASSERT_GE(volumes, 0);
  EXPECT_LT(volumes, raid);
  EXPECT_EQ(steps[volumes]->stage(), Stage::Early);
}

TEST(VolumesStep, SkipsWithoutVolumesAndFailsWithoutAws) {
  ManualClock clock;
  Config none = config_from("");
  Context context(none, clock);
  EXPECT_EQ(make_volumes_step()->run(context).kind, OutcomeKind::Skipped);
  Config some = config_from("volumes:\n  ebs:\n    /dev/sdf: foo\n");
  Context without_aws(some, clock);
  Outcome outcome = make_volumes_step()->run(without_aws);
  EXPECT_EQ(outcome.kind, OutcomeKind::Failed);
  EXPECT_NE(outcome.detail.find("no volume was attached"), std::string::npos) << outcome.detail;
}

TEST(VolumeNames, ReplacesBothAddressesEverywhere) {
  auto name = substitute_instance_values("db-${local_ipv4}-${public_ipv4}-${local_ipv4}", "10.0.0.12", "203.0.113.12");
  ASSERT_TRUE(name) << name.error().message();
  EXPECT_EQ(*name, "db-10.0.0.12-203.0.113.12-10.0.0.12");
  EXPECT_EQ(*substitute_instance_values("plain", "", std::nullopt), "plain");
}

TEST(VolumeNames, APublicAddressTheInstanceLacksIsAnError) {
  auto name = substitute_instance_values("db-${public_ipv4}", "10.0.0.12", std::nullopt);
  ASSERT_FALSE(name);
  EXPECT_NE(name.error().message().find("no public IPv4 address"), std::string::npos) << name.error().message();
}

}  // namespace
}  // namespace taupage
