/// The client-side rate limiter of the AWS SDKs' adaptive retry mode (AWS_RETRY_MODE=adaptive):
/// a token bucket in front of every attempt whose fill rate drops to 70 % of the measured sending
/// rate on a throttling answer and then grows back along a CUBIC curve, as TCP's congestion window.
/// Off until the first throttling answer; its time comes from a Clock so tests need not sleep.
#pragma once

#include <cstdint>

#include "util/clock.h"

namespace taupage {

class AdaptiveRate {
 public:
  explicit AdaptiveRate(Clock& clock);

  // Before each attempt: waits (on the clock) until a token is there, once the bucket is on.
  void acquire();
  // After each answer: whether AWS throttled it.
  void record(bool throttled);

  bool enabled() const { return enabled_; }
  double fill_rate() const { return fill_rate_; }          // tokens a second
  double measured_rate() const { return measured_rate_; }  // requests a second, smoothed

 private:
  double now_s() const;
  void refill();
  void measure();

  Clock& clock_;
  bool enabled_ = false;
  double fill_rate_ = 0;
  double capacity_ = 0;
  double tokens_ = 0;
  double last_refill_s_ = -1;
  double measured_rate_ = 0;
  double rate_bucket_s_;
  int requests_in_bucket_ = 0;
  double last_max_rate_ = 0;
  double last_throttle_s_;
  double time_window_s_ = 0;
};

}  // namespace taupage
