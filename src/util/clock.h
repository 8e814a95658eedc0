/// Time, injectable: the real clock for boot, a manual one for tests, so that deadlines and
/// retries are tested without sleeping.
#pragma once

#include <cstdint>
#include <string>

namespace taupage {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the epoch, wall clock (may be wrong at early boot).
  virtual int64_t unix_seconds() = 0;
  // Monotonic milliseconds, for durations and deadlines.
  virtual int64_t monotonic_ms() = 0;
  virtual void sleep_ms(int64_t ms) = 0;
};

class RealClock : public Clock {
 public:
  int64_t unix_seconds() override;
  int64_t monotonic_ms() override;
  void sleep_ms(int64_t ms) override;
};

// The process's real clock.
Clock& real_clock();

// "2026-11-26T15:44:16Z"
std::string iso8601_utc(int64_t unix_seconds);

}  // namespace taupage
