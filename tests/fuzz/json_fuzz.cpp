// libFuzzer target: the bounded JSON reader behind KMS, IMDS, CloudFormation, ECR and Docker
// answers, and Docker's pull progress on top. Oracle: whatever parses is written back out by
// dump() into text that parses again to the same dump (nothing lost, nothing invented).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "docker/pull_progress.h"
#include "util/clock.h"
#include "util/json.h"

namespace {

class StillClock : public taupage::Clock {
 public:
  int64_t unix_seconds() override { return 1700000000; }
  int64_t monotonic_ms() override { return 0; }
  void sleep_ms(int64_t) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)taupage::parse_json(text, taupage::JsonLimits{1024, 4});
  auto json = taupage::parse_json(text);
  if (!json) return 0;
  std::string once = json->dump();
  auto again = taupage::parse_json(once);
  if (!again || again->dump() != once || taupage::parse_json(json->dump(2))->dump() != once) std::abort();
  StillClock clock;
  taupage::PullProgress progress("fuzz/image:1", clock, [](const std::string&) {});
  progress.on_message(*json);
  return 0;
}
