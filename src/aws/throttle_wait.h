/// A step's patience with throttling: a fleet scaling out throttles a whole account for minutes,
/// longer than a client's own few retries. The call is repeated while AWS answers with a
/// throttling error, pausing 2 s doubling to 30 s, until the step's deadline; one log line a pause.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "aws/aws_error.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

// `call` returns something testable as bool (Status, Result<T>); `last_error` the AwsError behind
// a failure. `what` names the call in the log line ("notify: SignalResource stack/resource").
template <typename Call, typename LastError>
auto repeat_while_throttled(Clock& clock, int64_t deadline_ms, const std::string& what, Call call, LastError last_error) {
  for (int round = 1;; ++round) {
    auto result = call();
    if (result || !last_error().throttling()) return result;
    int64_t now = clock.monotonic_ms();
    if (now >= deadline_ms) return result;
    int64_t pause = std::min<int64_t>({int64_t{1000} << std::min(round, 5), int64_t{30000}, deadline_ms - now});
    Log::warn(
        strfmt("%s: throttled (%s); trying again in %llds", what.c_str(), last_error().code.c_str(), static_cast<long long>(pause / 1000)));
    clock.sleep_ms(pause);
  }
}

}  // namespace taupage
