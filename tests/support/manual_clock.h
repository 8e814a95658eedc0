/// A clock for tests: time moves only when the test (or a sleep) moves it, so deadlines and
/// retries are tested without waiting.
#pragma once

#include "util/clock.h"

namespace taupage {

class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t unix_seconds = 1795000000) : unix_ms_(unix_seconds * 1000) {}
  int64_t unix_seconds() override { return unix_ms_ / 1000; }
  int64_t monotonic_ms() override { return monotonic_ms_; }
  void sleep_ms(int64_t ms) override { advance_ms(ms); }
  void advance_ms(int64_t ms) {
    monotonic_ms_ += ms;
    unix_ms_ += ms;
  }

 private:
  int64_t unix_ms_;
  int64_t monotonic_ms_ = 0;
};

}  // namespace taupage
