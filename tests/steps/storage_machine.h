/// The raid and mounts steps' test machine: the storage doubles wired into a Context, a
/// config read from a storage fragment, and the two arrays most tests start from. Shared by the
/// step tests and decision tests of tests/steps/ (step_raid_test, step_mounts_test, ...).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "config/config_reader.h"
#include "engine/context.h"
#include "steps/step_mounts.h"
#include "steps/step_raid.h"
#include "support/storage_doubles.h"

namespace taupage::storage_test {

inline constexpr size_t kDisk = 4 << 20;

class ManualClock : public Clock {
 public:
  int64_t unix_seconds() override { return 1700000000; }
  int64_t monotonic_ms() override { return now_; }
  void sleep_ms(int64_t ms) override { now_ += ms; }

 private:
  int64_t now_ = 0;
};

inline Config config_from(const std::string& storage_yaml) {
  std::string text =
      std::string(kUserDataHeader) + "\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: busybox:1\n" + storage_yaml;
  ConfigRead read = read_config(text);
  EXPECT_TRUE(read.config.has_value()) << (read.diagnostics.empty() ? "" : read.diagnostics[0].render());
  return read.config.value_or(Config{});
}

inline constexpr const char* kRaid0 = R"(
volumes:
  raid:
    /dev/md/data:
      level: 0
      devices: [/dev/xvdf, /dev/xvdg]
mounts:
  /data:
    partition: /dev/md/data
)";

inline constexpr const char* kRaid1Erase = R"(
volumes:
  raid:
    /dev/md/data:
      level: 1
      devices: [/dev/xvdf, /dev/xvdg]
mounts:
  /data:
    partition: /dev/md/data
    erase_on_boot: true
)";

struct Machine {
  ManualClock clock;
  FakeBlockDevices devices;
  FakeMd md;
  FakeTools tools;
  FakeMounter mounter;
  Config config;
  std::unique_ptr<Context> context;

  explicit Machine(const std::string& yaml) : config(config_from(yaml)) {
    context = std::make_unique<Context>(config, clock);
    context->settings.root = "/root";
    context->services.block_devices = &devices;
    context->services.md = &md;
    md.devices = &devices;
    context->services.tools = &tools;
    context->services.mounter = &mounter;
    context->settings.device_wait_seconds = 0;
  }
  Outcome raid() { return make_raid_step()->run(*context); }
  // vdb and vdc as /dev/xvdf and /dev/xvdg, the array created on them; the calls so far forgotten.
  void raid0_created_on_two_blank_disks() {
    devices.add("/dev/xvdf", "vdb", 16, kDisk);
    devices.add("/dev/xvdg", "vdc", 32, kDisk);
    ASSERT_EQ(raid().kind, OutcomeKind::Created);
    md.calls.clear();
  }
  Outcome mounts() { return make_mounts_step()->run(*context); }
};

inline bool has_call(const std::vector<std::string>& calls, const std::string& prefix) {
  for (const auto& c : calls) {
    if (c.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace taupage::storage_test
