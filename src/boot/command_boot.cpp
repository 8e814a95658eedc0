#include "boot/args.h"
#include "boot/command.h"
#include "boot/plan.h"
#include "boot/runner.h"
#include "boot/user_data_input.h"
#include "config/config_reader.h"
#include "storage/block_devices.h"
#include "storage/filesystem_tools.h"
#include "storage/md_control.h"
#include "storage/mounter.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

int run_boot(const std::vector<std::string>& argv) {
  const Command& self = command_named("boot");
  auto args = Args::parse(argv, {"config", "stage", "root", "only", "state-dir"}, {"dry-run"}, 0);
  if (!args) return usage_error(self, args.error().message());

  std::vector<Stage> stages;
  std::string stage_text = args->value("stage", "all");
  if (stage_text == "all") {
    stages = {Stage::Early, Stage::System, Stage::Late};
  } else if (auto stage = parse_stage(stage_text)) {
    stages = {*stage};
  } else {
    return usage_error(self, "unknown stage " + quote(stage_text) + " (early, system, late or all)");
  }

  StepList steps = all_steps();
  RunOptions options;
  options.dry_run = args->flag("dry-run");
  if (args->has("only")) {
    for (const auto& name : split(args->value("only"), ',')) {
      if (!trim(name).empty()) options.only.insert(std::string(trim(name)));
    }
    if (auto known = check_step_names(options.only, steps); !known) return usage_error(self, known.error().message());
  }

  if (!args->has("config")) {
    err("taupage boot: no --config given; reading user data from the instance metadata service is not built in this version\n");
    return kExitFailed;
  }
  auto user_data = read_user_data_input(args->value("config"));
  if (!user_data) {
    Log::error("boot: " + user_data.error().message());
    return kExitFailed;
  }
  ConfigRead read = read_config(*user_data);
  for (const auto& d : read.diagnostics) Log::write(d.is_error() ? LogLevel::Error : LogLevel::Warn, d.render());
  if (!read.config) {
    Log::error(strfmt("boot: the user data is invalid (%zu errors); nothing was changed on this machine", count_errors(read.diagnostics)));
    return kExitFailed;
  }

  Context context(*read.config, real_clock());
  context.root = args->value("root", "/");
  context.state_dir = args->value("state-dir", "/run/taupage");
  context.dry_run = options.dry_run;
  RealBlockDevices block_devices(real_clock());
  RealMdControl md;
  RealToolRunner tools;
  RealMounter mounter;
  context.block_devices = &block_devices;
  context.md = &md;
  context.tools = &tools;
  context.mounter = &mounter;
  options.boot_id = read_boot_id();

  Runner runner(steps, context);
  for (Stage stage : stages) {
    Log::info(strfmt("taupage %s  %s stage%s", TAUPAGE_VERSION, stage_name(stage), options.dry_run ? " (dry run: nothing is changed)" : ""));
    StageReport report = runner.run_stage(stage, options);
    if (!report.ok) return kExitFailed;
  }
  return kExitOk;
}

}  // namespace taupage
