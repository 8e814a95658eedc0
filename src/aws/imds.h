/// The EC2 instance metadata service, IMDSv2 only: a session token (TTL 21600 s) is fetched with
/// a PUT, reused, and fetched again when the service answers 401. Each attempt has a short
/// timeout; attempts repeat with a bounded backoff until a total deadline (default 2 minutes,
/// since at early boot the network may still be coming up), with a progress line while it
/// waits. What waiting cannot change ends the wait at once: a token refused with a 4xx (IMDS
/// disabled, a hop limit, not an IMDS) or a token that is no token (control characters).
/// AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the address.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/environment.h"
#include "net/http.h"
#include "util/clock.h"
#include "util/result.h"

namespace taupage {

struct InstanceIdentity {
  std::string region;
  std::string availability_zone;
  std::string instance_id;
  std::string account_id;
  std::string instance_type;
  std::string private_ip;
  std::string image_id;
  std::string document;  // the document exactly as served (CFN_V1 signs with it)
};

struct ImdsOptions {
  int64_t deadline_ms = 120000;   // for one value, all attempts together
  int attempt_timeout_ms = 2000;  // one HTTP exchange
  int max_attempts = 0;           // > 0: also stop after this many attempts; 0: the deadline alone
};

class Imds {
 public:
  Imds(HttpClient& http, Clock& clock, Environment env, ImdsOptions options = {});

  // The value at `path` ("/latest/meta-data/instance-id"); 404 is an error.
  Result<std::string> get(const std::string& path);
  // The same, but 404 gives nullopt (user-data when none was given).
  Result<std::optional<std::string>> get_optional(const std::string& path);

  Result<InstanceIdentity> identity();
  // The identity document's signature, as served (base64 with line breaks).
  Result<std::string> identity_signature();
  Result<std::optional<std::string>> user_data();
  // The instance profile's role name; nullopt when the instance has none.
  Result<std::optional<std::string>> role_name();
  Result<Credentials> role_credentials(const std::string& role);

  std::string endpoint_text() const { return base_url_; }
  // A shorter wait for a path that must not delay what it reports (the FAILURE signal).
  void set_deadline_ms(int64_t deadline_ms) { options_.deadline_ms = deadline_ms; }

 private:
  Result<std::string> token(const Endpoint& endpoint, int64_t deadline);
  // Why a 4xx from the token endpoint ends the wait, and what to check.
  std::string token_refused(int status) const;
  Result<std::optional<std::string>> fetch(const std::string& path);

  HttpClient& http_;
  Clock& clock_;
  ImdsOptions options_;
  std::string base_url_;
  std::string token_;
  int64_t token_valid_until_ms_ = 0;
  std::optional<InstanceIdentity> identity_;
};

// Parses "2026-11-26T18:00:00Z" (the Expiration of role credentials); nullopt when malformed.
std::optional<int64_t> parse_iso8601_utc(const std::string& text);

}  // namespace taupage
