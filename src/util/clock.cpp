#include "util/clock.h"

#include <time.h>

#include <cerrno>

#include "util/strings.h"
#include "util/utc_time.h"

namespace taupage {

int64_t RealClock::unix_seconds() { return static_cast<int64_t>(::time(nullptr)); }

int64_t RealClock::monotonic_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void RealClock::sleep_ms(int64_t ms) {
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

Clock& real_clock() {
  static RealClock clock;
  return clock;
}

std::string iso8601_utc(int64_t unix_seconds) {
  UtcTime t = utc_from_unix(unix_seconds);
  return strfmt("%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(t.year), t.month, t.day, t.hour, t.minute, t.second);
}

}  // namespace taupage
