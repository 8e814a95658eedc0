/// AWS credentials: an access key id, its secret and an optional session token, with the time
/// they stop working (role credentials from IMDS expire; environment credentials do not).
/// The secret parts are Secrets, so a credential can never reach a log line by accident.
#pragma once

#include <cstdint>
#include <string>

#include "util/secret.h"

namespace taupage {

struct Credentials {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token;    // empty for long-term keys
  int64_t expiration = 0;  // unix seconds; 0: never expires
  std::string source;      // "environment", "instance role NAME": for messages
};

}  // namespace taupage
