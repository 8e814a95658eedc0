/// Retries as the AWS SDKs' standard mode does: 3 attempts (AWS_MAX_ATTEMPTS overrides),
/// truncated binary exponential backoff with full jitter capped at 20 s, and only the documented
/// transient and throttling errors are retried. Randomness is injectable so tests need not sleep
/// or guess. AWS_RETRY_MODE=adaptive adds the SDKs' client-side rate limiter (aws/adaptive_rate.h)
/// in front of each attempt. TAUPAGE_RETRY_MODE=naive gives the hand-written client the fleet test compares
/// against (scripts/fleet.sh): 10 attempts 1 s apart, no jitter; nothing else sets it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "aws/environment.h"

namespace taupage {

// A number in [0, 1).
using RandomSource = std::function<double()>;
RandomSource system_random();

struct RetryPolicy {
  int max_attempts = 3;
  int64_t base_ms = 1000;
  int64_t max_backoff_ms = 20000;
  bool naive = false;     // fixed pauses of base_ms, no jitter (the comparison client only)
  bool adaptive = false;  // AWS_RETRY_MODE=adaptive: a rate limiter before every attempt

  // AWS_MAX_ATTEMPTS when set to a number from 1 to 20, else 3; TAUPAGE_RETRY_MODE=naive: 10
  // attempts (AWS_MAX_ATTEMPTS still overrides), fixed pauses; AWS_RETRY_MODE=adaptive: the same
  // retries as standard, plus the rate limiter.
  static RetryPolicy from_environment(const Environment& env);
  // Delay before retry number `retry` (1 for the first retry): rand * min(base * 2^(retry-1), cap);
  // naive: base.
  int64_t backoff_ms(int retry, const RandomSource& random) const;
};

bool is_throttling_code(const std::string& code);
bool is_transient_code(const std::string& code);
// Whether a failed call may be retried: a transport failure (status 0), 500/502/503/504, or a
// throttling or transient error code.
bool is_retryable(int status, const std::string& code);
// Whether the error says the request's clock is off (re-sign with the server's time).
bool is_clock_skew_error(const std::string& code, const std::string& message);
// Whether the credentials have expired and must be fetched again.
bool is_expired_credentials_code(const std::string& code);

}  // namespace taupage
