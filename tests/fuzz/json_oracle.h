/// The JSON fuzz target's check, shared by the target and by the unit test that replays its
/// seeds and regression inputs (tests/fuzz/seeds/json/) on every `make test`, so an input the
/// fuzzer once broke stays fixed without clang or libFuzzer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "docker/pull_progress.h"
#include "util/clock.h"
#include "util/json.h"

namespace taupage::testing {

// Whatever parses is written back out by dump() into text that parses again to the same dump
// (nothing lost, nothing invented), one line or indented; and pull progress takes it without
// crashing. Returns what went wrong, or an empty string.
inline std::string json_oracle_failure(std::string_view text) {
  class StillClock : public Clock {
   public:
    int64_t unix_seconds() override { return 1700000000; }
    int64_t monotonic_ms() override { return 0; }
    void sleep_ms(int64_t) override {}
  };
  (void)parse_json(text, JsonLimits{1024, 4});
  auto json = parse_json(text);
  if (!json) return "";
  std::string once = json->dump();
  auto again = parse_json(once);
  if (!again) return "its dump " + once + " does not parse: " + again.error().message();
  if (again->dump() != once) return "its dump " + once + " reads back as " + again->dump();
  auto indented = parse_json(json->dump(2));
  if (!indented || indented->dump() != once) return "its indented dump does not read back as " + once;
  StillClock clock;
  PullProgress progress("fuzz/image:1", clock, [](const std::string&) {});
  progress.on_message(*json);
  return "";
}

}  // namespace taupage::testing
