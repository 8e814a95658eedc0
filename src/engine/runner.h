/// Runs the steps of a stage in order: each step's outcome is printed as it happens and
/// collected in the report; the first failure stops the stage, a spent time budget defers the
/// steps that wait. The late stage runs only after the early and system stages of the same boot
/// completed (the system stage runs after a failed early one: sshd must come up). `--only` picks
/// steps by name, never clears an earlier failure of the stage that it did not run again, and
/// never makes a stage complete by itself; `--dry-run` prints what would be done, reads no report
/// and touches nothing.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "engine/report.h"
#include "engine/step.h"
#include "util/clock.h"

namespace taupage {

struct RunOptions {
  std::set<std::string> only;  // empty: every step
  bool dry_run = false;
  std::string boot_id;
};

class Runner {
 public:
  Runner(StepList& steps, Context& context) : steps_(steps), context_(context) {}

  // Called once when a stage fails (after its report is saved): CloudFormation is told here.
  std::function<void(const StageReport&)> on_failure;

  StageReport run_stage(Stage stage, const RunOptions& options);

 private:
  StepList& steps_;
  Context& context_;
};

// Saves a stage's report and prints its last line ("done in", or "FAILED at").
void save_and_tell(StageReport& report, const std::string& state_dir);

// A stage that fails before its first step (the user data cannot be read or is invalid, the Docker
// endpoint cannot be used): reported like a failed step, under a name in parentheses such as
// "(user data)", so that later stages and the operator find it in the same place. `steps` are
// what ran all the same (the fallback firewall).
StageReport fail_before_steps(Stage stage, const std::string& failed_step, const std::string& reason, const RunOptions& options,
                              const std::string& state_dir, Clock& clock, std::vector<StepReport> steps = {});

// For the late stage (fail closed): an earlier stage of this boot whose report is missing, cannot
// be read, says it failed, or leaves steps pending (deferred, or an --only run), is the reason not
// to run. The system stage (sshd) runs after a failed early stage.
Status check_earlier_stages(Stage stage, const std::string& state_dir, const std::string& boot_id);

// Names in `only` that are no step: the error for a mistyped --only.
Status check_step_names(const std::set<std::string>& only, const StepList& steps);
// Whether a stage has a step to run; a stage --only leaves empty is not run and writes no report.
bool runs_any_step(Stage stage, const std::set<std::string>& only, const StepList& steps);
// An --only that picks no step of the stages to run: it would run nothing and say nothing.
Status check_steps_in_stages(const std::set<std::string>& only, const StepList& steps, const std::vector<Stage>& stages);

}  // namespace taupage
