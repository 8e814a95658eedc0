// The adaptive mode's rate limiter on a manual clock: off until AWS throttles, then requests wait
// for tokens at 70 % of the measured rate, and the rate climbs back along the CUBIC curve.
#include "aws/adaptive_rate.h"

#include <gtest/gtest.h>

#include "support/manual_clock.h"

namespace taupage {
namespace {

// `n` requests a second for `seconds`, each answered (throttled or not); the time acquire() waited.
int64_t send(ManualClock& clock, AdaptiveRate& rate, int n, int seconds, bool throttled) {
  int64_t waited = 0;
  for (int i = 0; i < n * seconds; ++i) {
    int64_t before = clock.monotonic_ms();
    rate.acquire();
    waited += clock.monotonic_ms() - before;
    rate.record(throttled);
    clock.advance_ms(1000 / n);
  }
  return waited;
}

TEST(AdaptiveRate, NeverDelaysARequestBeforeTheFirstThrottling) {
  ManualClock clock;
  AdaptiveRate rate(clock);
  EXPECT_EQ(send(clock, rate, 50, 4, false), 0);
  EXPECT_FALSE(rate.enabled());
}

TEST(AdaptiveRate, AThrottlingAnswerCutsTheRateTo70PercentOfTheMeasured) {
  ManualClock clock;
  AdaptiveRate rate(clock);
  send(clock, rate, 20, 5, false);
  double measured = rate.measured_rate();
  EXPECT_NEAR(measured, 20, 2);
  rate.record(true);
  EXPECT_TRUE(rate.enabled());
  EXPECT_NEAR(rate.fill_rate(), 0.7 * rate.measured_rate(), 0.01);
  // Now requests wait for tokens: a burst of 40 in a second cannot go out at about 14 a second
  // with a bucket of about 14.
  EXPECT_GT(send(clock, rate, 40, 1, false), 0);
}

TEST(AdaptiveRate, RequestsWaitForTokensAtTheFillRate) {
  ManualClock clock;
  AdaptiveRate rate(clock);
  send(clock, rate, 10, 3, false);
  rate.record(true);
  double fill = rate.fill_rate();
  // Throttled again and again: the rate falls to its floor of 0.5/s, and requests go out that slowly.
  for (int i = 0; i < 30; ++i) {
    rate.acquire();
    rate.record(true);
  }
  EXPECT_LT(rate.fill_rate(), fill);
  EXPECT_GE(rate.fill_rate(), 0.5);
  int64_t start = clock.monotonic_ms();
  for (int i = 0; i < 5; ++i) {
    rate.acquire();
  }
  EXPECT_GE(clock.monotonic_ms() - start, static_cast<int64_t>(4 * 1000 / rate.fill_rate()) - 5);
}

TEST(AdaptiveRate, AfterThrottlingTheRateClimbsBackAlongACubicCurve) {
  ManualClock clock;
  AdaptiveRate rate(clock);
  send(clock, rate, 20, 5, false);
  rate.record(true);
  double cut = rate.fill_rate();
  // Successes at the allowed pace: the curve is flat near the old maximum, then climbs past it.
  std::vector<double> seen;
  for (int s = 0; s < 12; ++s) {
    send(clock, rate, 10, 1, false);
    seen.push_back(rate.fill_rate());
  }
  EXPECT_GT(seen.back(), cut);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i] + 1e-9, std::min(seen[i - 1], 2 * rate.measured_rate())) << i;
  // Never above twice what the client actually sends.
  EXPECT_LE(rate.fill_rate(), 2 * rate.measured_rate() + 1e-9);
}

}  // namespace
}  // namespace taupage
