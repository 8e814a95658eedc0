/// The report of one stage of one boot: each step's outcome and time, whether the stage
/// succeeded, and the kernel's boot id, so that a later stage can tell this boot's reports from
/// an earlier boot's. Printed at the end of a stage and saved as JSON in the state folder.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/step.h"
#include "util/json.h"
#include "util/result.h"

namespace taupage {

struct StepReport {
  std::string name;
  OutcomeKind kind = OutcomeKind::Skipped;
  std::string detail;
  double seconds = 0;
};

struct StageReport {
  Stage stage = Stage::Early;
  std::string boot_id;
  std::string started;  // ISO 8601, UTC
  double seconds = 0;
  bool ok = true;
  std::string failed_step;  // when !ok
  std::string reason;       // when !ok
  std::vector<StepReport> steps;
  std::vector<std::string> only;  // the steps a `--only` run chose; empty: the whole stage
  // The steps of this stage not yet done in this boot, over every run of it: failed, not run after
  // a failure, deferred past the time budget, or never chosen by an `--only`. The late stage runs
  // only after earlier stages that are ok with nothing pending.
  std::vector<std::string> pending;

  Json to_json() const;
  static Result<StageReport> from_json(const Json& json);
  std::string path_in(const std::string& state_dir) const;  // <state_dir>/report-<stage>.json
  // "step raid", or what failed before any step ("(user data)", "(docker)", "(report)").
  std::string failed_at() const;
  bool complete() const { return ok && pending.empty(); }
  // Whether a step of this run was deferred (the stage's time budget was spent).
  bool deferred() const;
};

// The kernel's id of this boot, from /proc/sys/kernel/random/boot_id (or `path`).
std::string read_boot_id(const std::string& path = "/proc/sys/kernel/random/boot_id");

// Writes <state_dir>/report-<stage>.json, readable by root only; every text is redacted as the
// console is, since a step's error may quote what a server echoed back (a secret, say).
Status save_report(const StageReport& report, const std::string& state_dir);
// This boot's report of `stage`, if one was saved; reports of another boot count as absent. A
// report that exists but cannot be read is an error: it may be the only trace of a failure.
Result<std::optional<StageReport>> load_report(Stage stage, const std::string& state_dir, const std::string& boot_id);

}  // namespace taupage
