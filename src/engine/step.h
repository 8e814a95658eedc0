/// A step of the boot: one thing done to the machine (close the firewall, assemble the arrays,
/// start the container). It can describe what it would do from the Config alone, for `plan`
/// and `--dry-run`, and run it, reporting an Outcome. Steps reach the system only through the
/// interfaces in Context, so tests can give them doubles.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "engine/context.h"

namespace taupage {

enum class Stage { Early, System, Late };
const char* stage_name(Stage stage);
std::optional<Stage> parse_stage(std::string_view text);

// One line of the plan: what will be done, and the user-data line it comes from.
struct PlanAction {
  std::string text;
  std::string source;  // "line 31", "lines 9-14", "default"; empty when it comes from nowhere in particular
};

// Deferred: the stage's time budget (the initramfs) was spent before the step could finish; not a
// failure: a later run of the stage on the real root does it, and the late stage waits for that.
enum class OutcomeKind { Created, Kept, Changed, Skipped, Failed, Deferred };
const char* outcome_name(OutcomeKind kind);

struct Outcome {
  OutcomeKind kind = OutcomeKind::Kept;
  std::string detail;  // one line; for Failed, why, and what was left untouched
  double seconds = 0;

  static Outcome created(std::string detail) { return {OutcomeKind::Created, std::move(detail)}; }
  static Outcome kept(std::string detail) { return {OutcomeKind::Kept, std::move(detail)}; }
  static Outcome changed(std::string detail) { return {OutcomeKind::Changed, std::move(detail)}; }
  static Outcome skipped(std::string reason) { return {OutcomeKind::Skipped, std::move(reason)}; }
  static Outcome failed(std::string reason) { return {OutcomeKind::Failed, std::move(reason)}; }
  static Outcome deferred(std::string reason) { return {OutcomeKind::Deferred, std::move(reason)}; }
  bool is_failure() const { return kind == OutcomeKind::Failed; }
};

// The outcome of a step that handles several items (arrays, mounts): created when any item was
// created, else changed when any changed, else kept; the items' details joined by "; ".
Outcome combined_outcome(const std::vector<std::pair<std::string, OutcomeKind>>& items);

class Step {
 public:
  virtual ~Step() = default;
  virtual std::string_view name() const = 0;
  virtual Stage stage() const = 0;
  // What run() would do for this config; empty when there is nothing to do (run() then skips).
  virtual std::vector<PlanAction> describe(const Config& config) const = 0;
  virtual Outcome run(Context& context) = 0;
  // Whether the step may be left to a later run of its stage when the stage's time budget is spent
  // (in the initramfs): the steps that wait for AWS or disks. Never the firewall, which must be in
  // place before the boot goes on.
  virtual bool deferrable() const { return false; }
};

// The steps an engine runs, in boot order; the command line hands the list over (steps/step_registry.h).
using StepList = std::vector<std::unique_ptr<Step>>;

}  // namespace taupage
