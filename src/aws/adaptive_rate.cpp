#include "aws/adaptive_rate.h"

#include <algorithm>
#include <cmath>

namespace taupage {
namespace {

// The constants the SDKs' adaptive mode specifies.
constexpr double kMinFillRate = 0.5;  // never slower than one request in two seconds
constexpr double kMinCapacity = 1;
constexpr double kSmooth = 0.8;  // weight of the newest half-second in the measured rate
constexpr double kBeta = 0.7;    // the rate kept after a throttling answer
constexpr double kScale = 0.4;   // how fast the CUBIC curve climbs back

}  // namespace

AdaptiveRate::AdaptiveRate(Clock& clock) : clock_(clock) {
  rate_bucket_s_ = std::floor(now_s());
  last_throttle_s_ = now_s();
}

double AdaptiveRate::now_s() const { return static_cast<double>(clock_.monotonic_ms()) / 1000.0; }

void AdaptiveRate::refill() {
  double now = now_s();
  if (last_refill_s_ >= 0) tokens_ = std::min(capacity_, tokens_ + (now - last_refill_s_) * fill_rate_);
  last_refill_s_ = now;
}

void AdaptiveRate::acquire() {
  if (!enabled_) return;
  refill();
  if (tokens_ < 1) {
    auto wait_ms = static_cast<int64_t>(std::ceil((1 - tokens_) / fill_rate_ * 1000.0));
    clock_.sleep_ms(std::max<int64_t>(wait_ms, 1));
    refill();
  }
  tokens_ = std::max(0.0, tokens_ - 1);
}

// The sending rate over half-second buckets, smoothed, which the limiter never lets the fill
// rate exceed twice over.
void AdaptiveRate::measure() {
  double bucket = std::floor(now_s() * 2) / 2;
  ++requests_in_bucket_;
  if (bucket > rate_bucket_s_) {
    double current = requests_in_bucket_ / (bucket - rate_bucket_s_);
    measured_rate_ = current * kSmooth + measured_rate_ * (1 - kSmooth);
    requests_in_bucket_ = 0;
    rate_bucket_s_ = bucket;
  }
}

void AdaptiveRate::record(bool throttled) {
  measure();
  double now = now_s();
  double rate;
  if (throttled) {
    last_max_rate_ = enabled_ ? std::min(measured_rate_, fill_rate_) : measured_rate_;
    time_window_s_ = std::cbrt(last_max_rate_ * (1 - kBeta) / kScale);
    last_throttle_s_ = now;
    rate = last_max_rate_ * kBeta;
    enabled_ = true;
  } else {
    time_window_s_ = std::cbrt(last_max_rate_ * (1 - kBeta) / kScale);
    rate = kScale * std::pow(now - last_throttle_s_ - time_window_s_, 3) + last_max_rate_;
  }
  rate = std::min(rate, 2 * measured_rate_);
  refill();
  fill_rate_ = std::max(rate, kMinFillRate);
  capacity_ = std::max(rate, kMinCapacity);
  tokens_ = std::min(tokens_, capacity_);
}

}  // namespace taupage
