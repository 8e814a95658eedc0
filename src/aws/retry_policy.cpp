#include "aws/retry_policy.h"

#include <sys/random.h>

#include <algorithm>
#include <cstring>

#include "util/strings.h"

namespace taupage {

RandomSource system_random() {
  return [] {
    uint64_t bits = 0;
    if (getrandom(&bits, sizeof bits, GRND_NONBLOCK) != sizeof bits) bits = 0x9E3779B97F4A7C15ULL;  // never blocks a retry
    return static_cast<double>(bits >> 11) / static_cast<double>(1ULL << 53);
  };
}

RetryPolicy RetryPolicy::from_environment(const Environment& env) {
  RetryPolicy policy;
  if (env("TAUPAGE_RETRY_MODE") == "naive") {
    policy.naive = true;
    policy.max_attempts = 10;
  }
  policy.adaptive = !policy.naive && env("AWS_RETRY_MODE") == "adaptive";
  if (auto n = parse_uint(env("AWS_MAX_ATTEMPTS")); n && *n >= 1 && *n <= 20) policy.max_attempts = static_cast<int>(*n);
  return policy;
}

int64_t RetryPolicy::backoff_ms(int retry, const RandomSource& random) const {
  if (naive) return base_ms;
  int64_t ceiling = base_ms;
  for (int i = 1; i < retry && ceiling < max_backoff_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_backoff_ms);
  double r = random ? random() : 0.5;
  r = std::clamp(r, 0.0, 1.0);
  return static_cast<int64_t>(r * static_cast<double>(ceiling));
}

bool is_throttling_code(const std::string& code) {
  static const char* const codes[] = {"Throttling",
                                      "ThrottlingException",
                                      "ThrottledException",
                                      "RequestThrottledException",
                                      "TooManyRequestsException",
                                      "ProvisionedThroughputExceededException",
                                      "TransactionInProgressException",
                                      "RequestLimitExceeded",
                                      "BandwidthLimitExceeded",
                                      "LimitExceededException",
                                      "RequestThrottled",
                                      "SlowDown",
                                      "PriorRequestNotComplete",
                                      "EC2ThrottledException"};
  for (const char* c : codes) {
    if (code == c) return true;
  }
  return false;
}

bool is_transient_code(const std::string& code) {
  return code == "RequestTimeout" || code == "RequestTimeoutException" || code == "PriorRequestNotComplete";
}

bool is_retryable(int status, const std::string& code) {
  if (status == 0) return true;
  if (status == 500 || status == 502 || status == 503 || status == 504) return true;
  return is_throttling_code(code) || is_transient_code(code);
}

bool is_clock_skew_error(const std::string& code, const std::string& message) {
  if (code == "RequestTimeTooSkewed" || code == "RequestExpired" || code == "RequestInTheFuture") return true;
  if (code == "InvalidSignatureException" || code == "SignatureDoesNotMatch" || code == "AuthFailure") {
    std::string lower = to_lower(message);
    return lower.find("signature expired") != std::string::npos || lower.find("skew") != std::string::npos ||
           lower.find("signature not yet current") != std::string::npos;
  }
  return false;
}

bool is_expired_credentials_code(const std::string& code) {
  return code == "ExpiredToken" || code == "ExpiredTokenException" || code == "RequestExpiredToken";
}

}  // namespace taupage
