#include "aws/endpoints.h"

#include <gtest/gtest.h>

#include "aws/retry_policy.h"

namespace taupage {
namespace {

TEST(Endpoints, DefaultChinaAndOverrides) {
  auto none = fixed_environment({});
  EXPECT_EQ(endpoint_url("kms", "eu-central-1", none).value(), "https://kms.eu-central-1.amazonaws.com");
  EXPECT_EQ(endpoint_url("ec2", "cn-north-1", none).value(), "https://ec2.cn-north-1.amazonaws.com.cn");
  EXPECT_FALSE(endpoint_url("kms", "eu central", none));
  auto env = fixed_environment({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9000/"}, {"AWS_ENDPOINT_URL_KMS", "https://127.0.0.1:8443"}});
  EXPECT_EQ(endpoint_url("kms", "eu-central-1", env).value(), "https://127.0.0.1:8443");
  EXPECT_EQ(endpoint_url("cloudformation", "eu-central-1", env).value(), "http://127.0.0.1:9000");
  EXPECT_TRUE(endpoint_overridden("s3", env));
  EXPECT_FALSE(endpoint_overridden("s3", none));
  auto bad = fixed_environment({{"AWS_ENDPOINT_URL_EC2", "127.0.0.1:1"}});
  auto r = endpoint_url("ec2", "eu-central-1", bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("AWS_ENDPOINT_URL_EC2"), std::string::npos);
}

TEST(RetryPolicy, NaiveModeIsTheFleetTestsComparisonClient) {
  RetryPolicy naive = RetryPolicy::from_environment(fixed_environment({{"TAUPAGE_RETRY_MODE", "naive"}}));
  EXPECT_TRUE(naive.naive);
  EXPECT_EQ(naive.max_attempts, 10);
  RandomSource almost_one = [] { return 0.999999; };
  for (int retry : {1, 2, 5, 9}) EXPECT_EQ(naive.backoff_ms(retry, almost_one), 1000);  // fixed, no jitter
  EXPECT_EQ(RetryPolicy::from_environment(fixed_environment({{"TAUPAGE_RETRY_MODE", "naive"}, {"AWS_MAX_ATTEMPTS", "4"}})).max_attempts, 4);
  EXPECT_FALSE(RetryPolicy::from_environment(fixed_environment({{"TAUPAGE_RETRY_MODE", "standard"}})).naive);
}

TEST(RetryPolicy, StandardModeAttemptsAndBackoff) {
  EXPECT_EQ(RetryPolicy::from_environment(fixed_environment({})).max_attempts, 3);
  EXPECT_EQ(RetryPolicy::from_environment(fixed_environment({{"AWS_MAX_ATTEMPTS", "5"}})).max_attempts, 5);
  EXPECT_EQ(RetryPolicy::from_environment(fixed_environment({{"AWS_MAX_ATTEMPTS", "zero"}})).max_attempts, 3);
  RetryPolicy p;
  RandomSource almost_one = [] { return 0.999999; };
  EXPECT_EQ(p.backoff_ms(1, almost_one), 999);
  EXPECT_EQ(p.backoff_ms(2, almost_one), 1999);
  EXPECT_EQ(p.backoff_ms(5, almost_one), 15999);
  EXPECT_EQ(p.backoff_ms(6, almost_one), 19999);  // capped at 20 s
  EXPECT_EQ(p.backoff_ms(30, almost_one), 19999);
  EXPECT_EQ(p.backoff_ms(3, [] { return 0.0; }), 0);  // full jitter reaches zero
  auto r = system_random();
  for (int i = 0; i < 100; ++i) {
    double x = r();
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
}

TEST(RetryPolicy, OnlyDocumentedCodesAreRetried) {
  EXPECT_TRUE(is_retryable(0, ""));
  EXPECT_TRUE(is_retryable(503, ""));
  EXPECT_TRUE(is_retryable(400, "ThrottlingException"));
  EXPECT_TRUE(is_retryable(503, "RequestLimitExceeded"));
  EXPECT_TRUE(is_retryable(400, "Throttling"));
  EXPECT_FALSE(is_retryable(400, "InvalidCiphertextException"));
  EXPECT_FALSE(is_retryable(403, "AccessDeniedException"));
  EXPECT_FALSE(is_retryable(400, "ValidationError"));
  EXPECT_TRUE(is_clock_skew_error("RequestTimeTooSkewed", ""));
  EXPECT_TRUE(is_clock_skew_error("InvalidSignatureException", "Signature expired: 20261126T100000Z is now earlier than ..."));
  EXPECT_FALSE(is_clock_skew_error("InvalidSignatureException", "The request signature we calculated does not match"));
}

}  // namespace
}  // namespace taupage
