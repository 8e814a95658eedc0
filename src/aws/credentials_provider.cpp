#include "aws/credentials_provider.h"

namespace taupage {

Result<Credentials> DefaultCredentials::get() {
  std::string key = env_("AWS_ACCESS_KEY_ID");
  if (!key.empty()) {
    std::string secret = env_("AWS_SECRET_ACCESS_KEY");
    if (secret.empty()) return Error("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    Credentials c;
    c.access_key_id = key;
    c.secret_access_key = Secret(std::move(secret));
    c.session_token = Secret(env_("AWS_SESSION_TOKEN"));
    c.source = "environment";
    return c;
  }
  if (cached_ && (cached_->expiration == 0 || clock_.unix_seconds() < cached_->expiration - kRefreshBeforeExpirySeconds)) return *cached_;
  auto role = imds_.role_name();
  if (!role) return Error(role.error()).wrap("credentials");
  if (!*role) return Error("credentials: no AWS_ACCESS_KEY_ID in the environment and the instance has no IAM role");
  auto fresh = imds_.role_credentials(**role);
  if (!fresh) return Error(fresh.error()).wrap("credentials");
  cached_ = std::move(*fresh);
  return *cached_;
}

}  // namespace taupage
