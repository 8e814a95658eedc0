// `taupage credentials [--config FILE] [--root DIR] [--once] [--interval SECONDS]`: keeps
// /meta/credentials filled from the mint bucket, as the original's berry did, for
// taupage-credentials.service.
#include "aws/retry_policy.h"
#include "cli/args.h"
#include "cli/aws_runtime.h"
#include "cli/boot_folders.h"
#include "cli/command.h"
#include "cli/user_data_input.h"
#include "config/config_reader.h"
#include "steps/container_spec.h"
#include "steps/credentials_sync.h"
#include "steps/step_credentials.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

int run_credentials(const Command& self, const Args& args) {
  int64_t interval = kCredentialsIntervalSeconds;
  if (args.has("interval")) {
    auto seconds = parse_uint(args.value("interval"));
    if (!seconds || *seconds == 0 || *seconds > 86400) {
      return usage_error(self, "--interval takes whole seconds, 1 to 86400, got " + quote(args.value("interval")));
    }
    interval = static_cast<int64_t>(*seconds);
  }
  std::string root = args.value("root", "/");
  if (auto usable = check_root_folder(root); !usable) return usage_error(self, usable.error().message());

  AwsRuntime aws(root);
  std::string user_data;
  if (args.has("config")) {
    auto input = read_user_data_input(args.value("config"));
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
    if (args.flag("once")) return sync.ok() ? kExitOk : kExitFailed;
    int64_t pause = credentials_refresh_delay_ms(interval, failures, random());
    if (failures > 0) Log::info(strfmt("credentials: trying again in %llds", static_cast<long long>(pause / 1000)));
    aws.session.clock().sleep_ms(pause);
  }
}

const Command& credentials_command() {
  static const Command command{"credentials",
                               "keep the application's credentials from the mint bucket fresh",
                               "taupage credentials [--config FILE] [--root DIR] [--once] [--interval SECONDS]\n"
                               "  Fetches s3://<mint_bucket>/<application_id>/user.json and client.json with the instance's\n"
                               "  role, checks that each is JSON and writes it into <root>/meta/credentials when it changed\n"
                               "  (atomically; owner uid 999, mode 0400, in a folder only root and gid 999 may enter).\n"
                               "  Repeats every --interval seconds (default " +
                                   std::to_string(kCredentialsIntervalSeconds) +
                                   ", +-10 % jitter); after failures the pause\n"
                                   "  doubles, up to 15 minutes. --once fetches once. Without --config the user data comes from\n"
                                   "  the instance metadata service; --root (default /) is where /meta is. Without mint_bucket in\n"
                                   "  the user data there is nothing to do.\n"
                                   "  Exit: 0 fetched (or nothing to fetch), 1 --once failed or the user data is unusable,\n"
                                   "  2 wrong usage.",
                               {"config", "root", "interval"},
                               {"once"},
                               0,
                               run_credentials};
  return command;
}

}  // namespace taupage
