#include "steps/step_credentials.h"
#include "util/files.h"

#include "aws/aws_session.h"
#include "steps/container_spec.h"
#include "steps/credentials_sync.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

std::vector<PlanAction> CredentialsStep::describe(const Config& config) const {
  if (config.mint_bucket.empty()) return {};
  return {{strfmt("fetch s3://%s/%s/user.json and client.json into %s (readable by uid %u only; written when changed; "
                  "a failure is a warning, not a failed boot)",
                  config.mint_bucket.c_str(), config.application_id.c_str(), kCredentialsDir, kApplicationUid),
           config.line_of("mint_bucket")}};
}

Outcome CredentialsStep::run(Context& context) {
  const Config& config = context.config;
  if (config.mint_bucket.empty()) return Outcome::skipped("no mint_bucket in the config");
  auto warn = [](const std::string& why) {
    Log::warn("WARNING: the application's credentials from the mint bucket are missing or stale: " + why +
              "; the container starts anyway, and taupage-credentials.service keeps trying");
    return Outcome::skipped("WARNING (not a boot failure): " + why);
  };
  if (!context.services.aws) return warn("no AWS access in this run");
  auto service = context.services.aws->service("s3");
  if (!service) return warn("S3: " + service.error().message());
  S3Client s3(**service);
  CredentialsFolder folder(host_path(context.settings.root, kCredentialsDir), kApplicationUid, kApplicationGid);
  CredentialsSync sync = sync_credentials(s3, config.mint_bucket, config.application_id, folder);
  if (!sync.ok()) return warn(sync.summary());
  std::string detail =
      sync.summary() + " in " + std::string(kCredentialsDir) + " from s3://" + config.mint_bucket + "/" + config.application_id + "/";
  if (!sync.created.empty()) return Outcome::created(detail);
  if (!sync.changed.empty()) return Outcome::changed(detail);
  return Outcome::kept(detail);
}

}  // namespace taupage
