/// Where credentials come from: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
/// when set (operators, tests), otherwise the instance role from IMDS, fetched again five
/// minutes before it expires (and at once when AWS says the token expired).
#pragma once

#include <optional>

#include "aws/credentials.h"
#include "aws/environment.h"
#include "aws/imds.h"
#include "util/clock.h"
#include "util/result.h"

namespace taupage {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual Result<Credentials> get() = 0;
  // AWS refused the current credentials as expired: fetch new ones next time.
  virtual void invalidate() {}
};

// The environment's keys when AWS_ACCESS_KEY_ID is set, else the instance role.
class DefaultCredentials : public CredentialsProvider {
 public:
  DefaultCredentials(Environment env, Imds& imds, Clock& clock) : env_(std::move(env)), imds_(imds), clock_(clock) {}
  Result<Credentials> get() override;
  void invalidate() override { cached_.reset(); }

  static constexpr int64_t kRefreshBeforeExpirySeconds = 300;

 private:
  Environment env_;
  Imds& imds_;
  Clock& clock_;
  std::optional<Credentials> cached_;
};

// Fixed credentials (tests, benchmarks).
class StaticCredentials : public CredentialsProvider {
 public:
  explicit StaticCredentials(Credentials c) : credentials_(std::move(c)) {}
  Result<Credentials> get() override { return credentials_; }

 private:
  Credentials credentials_;
};

}  // namespace taupage
