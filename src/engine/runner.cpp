#include "engine/runner.h"

#include "engine/plan.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

namespace {

// Where an operator looks when an earlier stage of this boot left no report.
const char* where_to_look(Stage stage) {
  if (stage == Stage::Early) {
    return "the initramfs runs it (look for taupage's lines on the console; lsinitramfs /boot/initrd.img-$(uname -r) | grep taupage "
           "shows the hook), or taupage-early.service on an image without the hook (journalctl -u taupage-early)";
  }
  return "taupage-system.service runs it (journalctl -u taupage-system)";
}

}  // namespace

Status check_earlier_stages(Stage stage, const std::string& state_dir, const std::string& boot_id) {
  // The system stage configures sshd: it runs after a failed early stage too, so that an operator
  // can log in on the configured ports and look. Only the late stage (the application, and the
  // SUCCESS signal) never runs after a failure, and it fails closed: without a report of this boot
  // that says an earlier stage completed, the firewall or the mounts may be missing.
  if (stage != Stage::Late) return {};
  for (Stage earlier : {Stage::Early, Stage::System}) {
    auto report = load_report(earlier, state_dir, boot_id);
    if (!report) return Error(report.error()).wrap(strfmt("the %s stage does not run", stage_name(stage)));
    if (!*report) {
      StageReport probe;
      probe.stage = earlier;
      return Error(
          strfmt("the %s stage left no report of this boot (%s): it did not run, or was stopped before it finished; %s; "
                 "the %s stage does not run without it",
                 stage_name(earlier), probe.path_in(state_dir).c_str(), where_to_look(earlier), stage_name(stage)));
    }
    const StageReport& r = **report;
    if (!r.ok) {
      return Error(strfmt("the %s stage failed in this boot, at %s: %s; the %s stage does not run after it", stage_name(earlier),
                          r.failed_at().c_str(), r.reason.c_str(), stage_name(stage)));
    }
    if (r.pending.empty()) continue;
    std::string pending = join(r.pending, ", ");
    if (r.deferred()) {
      return Error(
          strfmt("the %s stage of this boot deferred %s past its time budget in the initramfs, and they have not run since "
                 "(taupage-deferred.service runs them on the real root: journalctl -u taupage-deferred); the %s stage does "
                 "not run before they are done",
                 stage_name(earlier), pending.c_str(), stage_name(stage)));
    }
    return Error(strfmt(
        "the %s stage has not completed in this boot: %s %s not run%s; run \"taupage boot --stage %s\"; the %s stage "
        "does not run before it completes",
        stage_name(earlier), pending.c_str(), r.pending.size() == 1 ? "has" : "have",
        r.only.empty() ? "" : (" (its last run: --only " + join(r.only, ",") + ")").c_str(), stage_name(earlier), stage_name(stage)));
  }
  return {};
}

Status check_step_names(const std::set<std::string>& only, const StepList& steps) {
  std::vector<std::string> known;
  for (const auto& step : steps) known.emplace_back(step->name());
  for (const auto& name : only) {
    bool found = false;
    for (const auto& k : known) found = found || k == name;
    if (!found) return Error("unknown step " + quote(name) + "; steps: " + join(known, ", "));
  }
  return {};
}

Status check_steps_in_stages(const std::set<std::string>& only, const StepList& steps, const std::vector<Stage>& stages) {
  std::vector<std::string> in_stages;
  for (const auto& step : steps) {
    for (Stage stage : stages) {
      if (step->stage() != stage) continue;
      if (only.count(std::string(step->name()))) return {};
      in_stages.emplace_back(step->name());
    }
  }
  std::vector<std::string> names(only.begin(), only.end());
  std::vector<std::string> stage_names;
  for (Stage stage : stages) stage_names.emplace_back(stage_name(stage));
  return Error(strfmt("--only %s names no step of the %s stage%s (its steps: %s), so nothing would run", join(names, ",").c_str(),
                      join(stage_names, ", ").c_str(), stages.size() == 1 ? "" : "s", join(in_stages, ", ").c_str()));
}

bool runs_any_step(Stage stage, const std::set<std::string>& only, const StepList& steps) {
  for (const auto& step : steps) {
    if (step->stage() == stage && (only.empty() || only.count(std::string(step->name())))) return true;
  }
  return false;
}

void save_and_tell(StageReport& report, const std::string& state_dir) {
  // Later stages learn from this report that this one failed: a report that cannot be saved
  // fails the stage, so that nothing runs on as if it had succeeded.
  if (auto saved = save_report(report, state_dir); !saved && report.ok) {
    report.ok = false;
    report.failed_step = "(report)";
    report.reason = "the report was not saved: " + saved.error().message();
  } else if (!saved) {
    Log::error("the report was not saved: " + saved.error().message());
  }
  if (report.ok && report.deferred()) {
    Log::warn(
        strfmt("%s stage done in %.1fs except %s, deferred past its time budget: they run again on the real root before the "
               "late stage; report in %s",
               stage_name(report.stage), report.seconds, join(report.pending, ", ").c_str(), report.path_in(state_dir).c_str()));
  } else if (report.ok) {
    Log::info(strfmt("%s stage done in %.1fs; report in %s", stage_name(report.stage), report.seconds, report.path_in(state_dir).c_str()));
  } else {
    Log::error(strfmt("%s stage FAILED at %s: %s", stage_name(report.stage), report.failed_at().c_str(), report.reason.c_str()));
  }
}

StageReport fail_before_steps(Stage stage, const std::string& failed_step, const std::string& reason, const RunOptions& options,
                              const std::string& state_dir, Clock& clock, std::vector<StepReport> steps) {
  StageReport report;
  report.stage = stage;
  report.boot_id = options.boot_id;
  report.started = iso8601_utc(clock.unix_seconds());
  report.ok = false;
  report.failed_step = failed_step;
  report.reason = reason;
  report.steps = std::move(steps);
  if (options.dry_run) {
    Log::error(strfmt("%s stage: %s", stage_name(stage), reason.c_str()));
    return report;
  }
  save_and_tell(report, state_dir);
  return report;
}

StageReport Runner::run_stage(Stage stage, const RunOptions& options) {
  StageReport report;
  report.stage = stage;
  report.boot_id = options.boot_id;
  report.started = iso8601_utc(context_.clock.unix_seconds());
  int64_t stage_start = context_.clock.monotonic_ms();

  auto finish = [&]() {
    report.seconds = static_cast<double>(context_.clock.monotonic_ms() - stage_start) / 1000.0;
    if (options.dry_run) return report;
    save_and_tell(report, context_.settings.state_dir);
    if (!report.ok && on_failure) on_failure(report);
    return report;
  };

  std::vector<std::string> stage_steps;
  for (const auto& step : steps_) {
    if (step->stage() == stage) stage_steps.emplace_back(step->name());
  }
  if (auto earlier = check_earlier_stages(stage, context_.settings.state_dir, options.boot_id); !earlier && !options.dry_run) {
    report.ok = false;
    report.failed_step = "(none)";
    report.reason = earlier.error().message();
    report.pending = stage_steps;
    return finish();
  }
  // A run of some steps (--only) never makes a stage look complete: a failure of this stage
  // earlier in this boot stands until the step that failed runs again and succeeds.
  std::optional<StageReport> before;
  if (!options.only.empty() && !options.dry_run) {
    report.only.assign(options.only.begin(), options.only.end());
    auto loaded = load_report(stage, context_.settings.state_dir, options.boot_id);
    if (!loaded) {
      report.ok = false;
      report.failed_step = "(none)";
      report.reason = loaded.error().message();
      return finish();
    }
    before = std::move(*loaded);
  }

  bool stopped = false;
  std::string deferred_with;  // the first step the time budget deferred; every later one follows it
  std::set<std::string> done, not_done;
  auto budget_spent = [&] { return context_.settings.defer_at_ms > 0 && context_.clock.monotonic_ms() >= context_.settings.defer_at_ms; };
  for (auto& step : steps_) {
    if (step->stage() != stage) continue;
    StepReport entry;
    entry.name = std::string(step->name());
    if (!options.only.empty() && !options.only.count(entry.name)) {
      continue;  // not selected: not part of this run at all
    }
    if (stopped) {
      entry.kind = OutcomeKind::Skipped;
      entry.detail = "not run: step " + report.failed_step + " failed";
      report.steps.push_back(entry);
      not_done.insert(entry.name);
      continue;
    }
    if (options.dry_run) {
      for (const auto& action : step->describe(context_.config)) {
        Log::info(strfmt("%-7s %-10s would: %s", stage_name(stage), entry.name.c_str(), action.text.c_str()));
      }
      continue;
    }
    // A step that waits is not started once the budget is spent, and a step after a deferred one
    // may need what it would have made (raid needs the volumes): both wait for the real root.
    if (!deferred_with.empty() || (step->deferrable() && budget_spent())) {
      entry.kind = OutcomeKind::Deferred;
      entry.detail = deferred_with.empty()
                         ? strfmt("not started: the stage's time budget of %.0fs is spent", context_.settings.defer_after_seconds)
                         : "not started: deferred with step " + deferred_with;
      Log::warn(strfmt("%-10s %-8s %s", entry.name.c_str(), outcome_name(entry.kind), entry.detail.c_str()));
      report.steps.push_back(entry);
      not_done.insert(entry.name);
      if (deferred_with.empty()) deferred_with = entry.name;
      continue;
    }
    int64_t start = context_.clock.monotonic_ms();
    Outcome outcome = step->run(context_);
    entry.seconds = static_cast<double>(context_.clock.monotonic_ms() - start) / 1000.0;
    entry.kind = outcome.kind;
    entry.detail = outcome.detail;
    Log::write(outcome.is_failure()                    ? LogLevel::Error
               : outcome.kind == OutcomeKind::Deferred ? LogLevel::Warn
                                                       : LogLevel::Info,
               strfmt("%-10s %-8s %s  %.2fs", entry.name.c_str(), outcome_name(outcome.kind), outcome.detail.c_str(), entry.seconds));
    report.steps.push_back(entry);
    if (outcome.is_failure() || outcome.kind == OutcomeKind::Deferred) {
      not_done.insert(entry.name);
    } else {
      done.insert(entry.name);
    }
    if (outcome.kind == OutcomeKind::Deferred) deferred_with = entry.name;
    if (outcome.is_failure()) {
      report.ok = false;
      report.failed_step = entry.name;
      report.reason = outcome.detail;
      stopped = true;
    }
  }
  // "(none)" and "(report)" name no step: the stage's own checks ran again above.
  bool failed_at_a_step = before && !before->ok && !before->failed_step.empty() && before->failed_step[0] != '(';
  if (report.ok && failed_at_a_step && !options.only.count(before->failed_step)) {
    report.ok = false;
    report.failed_step = before->failed_step;
    report.reason = before->reason + " (in an earlier run of this boot; run that step again)";
  }
  // What is still to do in this boot: an --only run starts from what the earlier runs left (all of
  // it when there was none), a whole run from nothing.
  std::set<std::string> left_before;
  if (!options.only.empty()) {
    if (before)
      left_before.insert(before->pending.begin(), before->pending.end());
    else
      left_before.insert(stage_steps.begin(), stage_steps.end());
  }
  for (const auto& name : stage_steps) {
    if (not_done.count(name) || (!done.count(name) && left_before.count(name))) report.pending.push_back(name);
  }
  return finish();
}

}  // namespace taupage
