// `taupage credentials [--config FILE] [--root DIR] [--once] [--interval SECONDS]`: keeps
// /meta/credentials filled from the mint bucket, as the original's berry did, for
// taupage-credentials.service.
#include "aws/retry_policy.h"
#include "boot/args.h"
#include "boot/aws_runtime.h"
#include "boot/boot_folders.h"
#include "boot/command.h"
#include "boot/credentials_sync.h"
#include "boot/step_credentials.h"
#include "boot/user_data_input.h"
#include "config/config_reader.h"
#include "docker/container_spec.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

int run_credentials(const std::vector<std::string>& argv) {
  const Command& self = command_named("credentials");
  auto args = Args::parse(argv, {"config", "root", "interval"}, {"once"}, 0);
  if (!args) return usage_error(self, args.error().message());
  int64_t interval = kCredentialsIntervalSeconds;
  if (args->has("interval")) {
    auto seconds = parse_uint(args->value("interval"));
    if (!seconds || *seconds == 0 || *seconds > 86400) {
      return usage_error(self, "--interval takes whole seconds, 1 to 86400, got " + quote(args->value("interval")));
    }
    interval = static_cast<int64_t>(*seconds);
  }
  std::string root = args->value("root", "/");
  if (auto usable = check_root_folder(root); !usable) return usage_error(self, usable.error().message());

  AwsRuntime aws(root);
  std::string user_data;
  if (args->has("config")) {
    auto input = read_user_data_input(args->value("config"));
    if (!input.text) {
      err("taupage credentials: " + input.error + "\n");
      return input.exit_code;
    }
    user_data = std::move(*input.text);
  } else {
    auto fetched = aws.session.imds().user_data();
    if (!fetched || !*fetched) {
      err("taupage credentials: reading user data from the instance metadata service: " +
          (fetched ? std::string("there is none (404)") : fetched.error().message()) + "\n");
      return kExitFailed;
    }
    user_data = std::move(**fetched);
  }
  ConfigRead read = read_config(user_data);
  if (!read.config) {
    for (const auto& d : read.diagnostics) {
      if (d.is_error()) err(d.render() + "\n");
    }
    err("taupage credentials: the user data is invalid; nothing fetched\n");
    return kExitFailed;
  }
  const Config& config = *read.config;
  if (config.mint_bucket.empty()) {
    out("no mint_bucket in the user data: there are no credentials to fetch\n");
    return kExitOk;
  }
  auto service = aws.session.service("s3");
  if (!service) {
    err("taupage credentials: S3: " + service.error().message() + "\n");
    return kExitFailed;
  }
  S3Client s3(**service);
  CredentialsFolder folder(host_path(root, kCredentialsDir), kApplicationUid, kApplicationGid);
  RandomSource random = system_random();
  int failures = 0;
  for (bool first = true;; first = false) {
    CredentialsSync sync = sync_credentials(s3, config.mint_bucket, config.application_id, folder);
    bool changed = !sync.created.empty() || !sync.changed.empty();
    if (!sync.ok()) {
      ++failures;
      Log::warn("credentials: " + sync.summary());
    } else if (changed || failures > 0 || first) {
      failures = 0;
      Log::info("credentials: " + sync.summary() + " in " + folder.path());
    } else {
      Log::debug("credentials: " + sync.summary());
    }
    if (args->flag("once")) return sync.ok() ? kExitOk : kExitFailed;
    int64_t pause = credentials_refresh_delay_ms(interval, failures, random());
    if (failures > 0) Log::info(strfmt("credentials: trying again in %llds", static_cast<long long>(pause / 1000)));
    aws.session.clock().sleep_ms(pause);
  }
}

}  // namespace taupage
