/// A point in monotonic time by which a network exchange must be over. Every wait in src/net
/// (connect, read, write, DNS) polls with the time left until one Deadline, so a request's
/// timeout covers everything it does, not each step anew.
#pragma once

#include <time.h>

#include <climits>
#include <cstdint>

namespace taupage {

class Deadline {
 public:
  static int64_t now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  }
  static Deadline after_ms(int64_t ms) { return Deadline(now_ms() + (ms < 0 ? 0 : ms)); }

  int64_t remaining_ms() const {
    int64_t left = at_ms_ - now_ms();
    return left < 0 ? 0 : left;
  }
  bool expired() const { return remaining_ms() == 0; }
  // The time left as a poll() timeout.
  int poll_timeout() const {
    int64_t left = remaining_ms();
    return left > INT_MAX ? INT_MAX : static_cast<int>(left);
  }
  // The earlier of this deadline and one `ms` from now.
  Deadline capped_ms(int64_t ms) const {
    Deadline other = after_ms(ms);
    return other.at_ms_ < at_ms_ ? other : *this;
  }

 private:
  explicit Deadline(int64_t at_ms) : at_ms_(at_ms) {}
  int64_t at_ms_;
};

}  // namespace taupage
