#include <cstdlib>
#include <memory>

#include "cli/args.h"
#include "cli/aws_runtime.h"
#include "cli/boot_folders.h"
#include "cli/command.h"
#include "cli/user_data_input.h"
#include "config/config_reader.h"
#include "docker/engine_client.h"
#include "engine/plan.h"
#include "engine/runner.h"
#include "firewall/netlink_channel.h"
#include "steps/cfn_signal.h"
#include "steps/fallback_firewall.h"
#include "steps/step_registry.h"
#include "storage/block_devices.h"
#include "storage/filesystem_tools.h"
#include "storage/md_control.h"
#include "storage/mounter.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

int run_boot(const Command& self, const Args& args) {
  std::vector<Stage> stages;
  std::string stage_text = args.value("stage", "all");
  if (stage_text == "all") {
    stages = {Stage::Early, Stage::System, Stage::Late};
  } else if (auto stage = parse_stage(stage_text)) {
    stages = {*stage};
  } else {
    return usage_error(self, "unknown stage " + quote(stage_text) + " (early, system, late or all)");
  }

  StepList steps = all_steps();
  RunOptions options;
  options.dry_run = args.flag("dry-run");
  if (args.has("only")) {
    for (const auto& name : split(args.value("only"), ',')) {
      if (!trim(name).empty()) options.only.insert(std::string(trim(name)));
    }
    if (options.only.empty()) return usage_error(self, "--only needs one or more step names (--only raid,mounts)");
    if (auto known = check_step_names(options.only, steps); !known) return usage_error(self, known.error().message());
    if (auto chosen = check_steps_in_stages(options.only, steps, stages); !chosen) return usage_error(self, chosen.error().message());
  }

  double volume_timeout_seconds = kDefaultVolumeTimeoutSeconds;
  if (args.has("volume-timeout")) {
    auto seconds = parse_uint(args.value("volume-timeout"));
    if (!seconds || *seconds == 0 || *seconds > 7 * 24 * 3600) {
      return usage_error(self, "--volume-timeout takes whole seconds, 1 to 604800, got " + quote(args.value("volume-timeout")));
    }
    volume_timeout_seconds = static_cast<double>(*seconds);
  }

  // The initramfs's time budget: counted from here, so that fetching the user data counts too.
  int64_t process_start_ms = real_clock().monotonic_ms();
  double defer_after_seconds = 0;
  if (args.has("defer-after")) {
    auto seconds = parse_uint(args.value("defer-after"));
    if (!seconds || *seconds == 0 || *seconds > 86400) {
      return usage_error(self, "--defer-after takes whole seconds, 1 to 86400, got " + quote(args.value("defer-after")));
    }
    // Only the early stage has a later run to defer to (on the real root); the late stage refuses
    // to run while steps of the early stage are pending.
    if (stages.size() != 1 || stages.front() != Stage::Early) return usage_error(self, "--defer-after is for --stage early only");
    defer_after_seconds = static_cast<double>(*seconds);
  }

  // The folders are checked before anything is read or changed: a report that cannot be saved
  // would let later stages run as if this one had succeeded.
  std::string root = args.value("root", "/");
  if (auto usable = check_root_folder(root); !usable) return usage_error(self, usable.error().message());
  std::string state_dir = args.value("state-dir", "/run/taupage");
  if (!options.dry_run) {
    if (auto usable = check_state_folder(state_dir); !usable) return usage_error(self, usable.error().message());
  }

  AwsRuntime aws(root);
  std::string boot_id = read_boot_id();
  options.boot_id = boot_id;
  // What stops the boot before any step (no user data, invalid user data, no usable Docker
  // endpoint) is reported like a failed step: in the report of the stage it stops, and to
  // CloudFormation when the user data says where.
  std::vector<Stage> running;
  for (Stage stage : stages) {
    if (runs_any_step(stage, options.only, steps)) running.push_back(stage);
  }
  if (running.empty()) return kExitOk;  // check_steps_in_stages refused such an --only above
  // Without usable user data the early stage still closes the firewall, to sshd's own ports:
  // a hardened machine that failed is not an open one, and the operator can still log in.
  bool closes_firewall = running.front() == Stage::Early && (options.only.empty() || options.only.count("firewall"));
  auto stop = [&](Stage stage, const std::string& what, const std::string& reason, const std::optional<SignalTarget>& target) {
    std::vector<StepReport> ran;
    if (stage == Stage::Early && what == "(user data)" && closes_firewall) {
      KernelNetlinkChannel netfilter;
      ran.push_back(apply_fallback_firewall(netfilter, root, options.dry_run));
    }
    fail_before_steps(stage, what, reason, options, state_dir, real_clock(), std::move(ran));
    if (!options.dry_run) signal_failure(&aws.session, target, state_dir, boot_id);
    return kExitFailed;
  };

  std::string user_data;
  if (args.has("config")) {
    auto input = read_user_data_input(args.value("config"));
    if (!input.text) {
      Log::error("boot: " + input.error);
      return input.exit_code;
    }
    user_data = std::move(*input.text);
  } else {
    auto fetched = aws.session.imds().user_data();
    if (!fetched) {
      return stop(running.front(), "(user data)", "reading user data from the instance metadata service: " + fetched.error().message(),
                  std::nullopt);
    }
    if (!*fetched) {
      return stop(running.front(), "(user data)",
                  "this instance has no user data (the instance metadata service answered 404 for /latest/user-data); "
                  "launch it with a #taupage-ami-config document or give --config FILE",
                  std::nullopt);
    }
    user_data = std::move(**fetched);
  }
  ConfigRead read = read_config(user_data);
  // A diagnostic already starts with "error at" or "warning at": printed as it is, not behind a
  // second "error: " prefix.
  for (const auto& d : read.diagnostics) err(d.render() + "\n");
  if (!read.config) {
    size_t errors = count_errors(read.diagnostics);
    std::string first;
    for (const auto& d : read.diagnostics) {
      if (d.is_error() && first.empty()) first = d.render();
    }
    return stop(running.front(), "(user data)",
                strfmt("the user data is invalid (%zu error%s, the first: %s); nothing was changed on this machine%s", errors,
                       errors == 1 ? "" : "s", first.c_str(),
                       closes_firewall && !options.dry_run ? " but the firewall, closed to sshd's port" : ""),
                notify_target_of(read));
  }

  Context context(*read.config, real_clock());
  context.settings.root = root;
  context.settings.state_dir = state_dir;
  context.settings.boot_id = boot_id;
  context.services.aws = &aws.session;
  KernelNetlinkChannel netfilter;  // opened only when the firewall step runs
  context.services.netfilter = &netfilter;
  context.settings.volume_timeout_seconds = volume_timeout_seconds;
  if (defer_after_seconds > 0) {
    context.settings.defer_after_seconds = defer_after_seconds;
    context.settings.defer_at_ms = process_start_ms + static_cast<int64_t>(defer_after_seconds * 1000);
  }
  context.settings.sysfs_root = args.value("sysfs", "/sys");
  context.settings.dev_dir = args.value("dev", "/dev");
  RealBlockDevices block_devices(real_clock(), context.settings.sysfs_root);
  RealMdControl md;
  RealToolRunner tools;
  RealMounter mounter;
  context.services.block_devices = &block_devices;
  context.services.md = &md;
  context.services.tools = &tools;
  context.services.mounter = &mounter;
  // One setting for every wait on a disk: raid and mounts for a configured device (default 60 s),
  // volumes for the disk of a volume EC2 reports attached (default 120 s).
  if (const char* wait = getenv("TAUPAGE_DEVICE_WAIT_SECONDS")) {
    if (auto seconds = parse_uint(wait); seconds && *seconds <= 3600) {
      context.settings.device_wait_seconds = static_cast<double>(*seconds);
      context.settings.volume_device_wait_seconds = static_cast<double>(*seconds);
    }
  }

  // Only the late stage talks to the Docker daemon (DOCKER_HOST): an endpoint Taupage cannot use
  // fails that stage, not the early one.
  std::unique_ptr<EngineClient> docker;
  context.services.http = &aws.http;
  const char* docker_host = getenv("DOCKER_HOST");
  auto docker_endpoint_found = docker_endpoint(docker_host ? docker_host : "");
  if (docker_endpoint_found) {
    docker = std::make_unique<EngineClient>(aws.http, *docker_endpoint_found,
                                            docker_host && *docker_host ? docker_host : std::string(kDefaultDockerHost), real_clock());
    context.services.docker = docker.get();
  }
  if (const char* dir = getenv("DOCKER_CONFIG")) context.settings.docker_config_dir = dir;

  std::optional<SignalTarget> notify = notify_target_of(read);
  Runner runner(steps, context);
  runner.on_failure = [&](const StageReport&) {
    signal_failure(context.services.aws, notify, context.settings.state_dir, context.settings.boot_id);
  };
  for (Stage stage : running) {
    Log::info(
        strfmt("taupage %s  %s stage%s", TAUPAGE_VERSION, stage_name(stage), options.dry_run ? " (dry run: nothing is changed)" : ""));
    if (stage == Stage::Late && !docker_endpoint_found) return stop(stage, "(docker)", docker_endpoint_found.error().message(), notify);
    StageReport report = runner.run_stage(stage, options);
    if (!report.ok) return kExitFailed;
  }
  return kExitOk;
}

const Command& boot_command() {
  static const Command command{"boot",
                               "run the boot stages",
                               "taupage boot [--config FILE] [--stage early|system|late|all] [--root DIR]\n"
                               "             [--only STEP,...] [--dry-run] [--state-dir DIR] [--volume-timeout SECONDS]\n"
                               "             [--defer-after SECONDS] [--sysfs DIR] [--dev DIR]\n"
                               "  Runs the steps of a stage (default: all three, in order) and writes the report to\n"
                               "  <state-dir>/report-<stage>.json (default state dir /run/taupage). Without --config the\n"
                               "  user data comes from the instance metadata service. Reports are readable by root only.\n"
                               "  --only: these steps of the stage; an earlier failure of the stage in this boot stands\n"
                               "  until the step that failed runs again and succeeds. The late stage runs only after the\n"
                               "  early and system stages of this boot completed (--dry-run reads no report).\n"
                               "  --volume-timeout: how long the volumes step waits for an available EBS volume (default\n"
                               "  " +
                                   std::to_string(kDefaultVolumeTimeoutSeconds) +
                                   "). --defer-after (early stage, in the initramfs): past SECONDS, the steps that wait\n"
                                   "  (volumes, raid, mounts) are deferred to a run on the real root; the firewall stays.\n"
                                   "  --sysfs and --dev: where the kernel lists disks and keeps device nodes (default\n"
                                   "  /sys and /dev; tests point them at a fake tree).\n"
                                   "  Exit: 0 done, 1 invalid user data or a step failed, 2 wrong usage.",
                               {"config", "stage", "root", "only", "state-dir", "volume-timeout", "defer-after", "sysfs", "dev"},
                               {"dry-run"},
                               0,
                               run_boot};
  return command;
}

}  // namespace taupage
