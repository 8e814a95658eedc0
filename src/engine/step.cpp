#include "engine/step.h"

#include "util/strings.h"

namespace taupage {

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::Early: return "early";
    case Stage::System: return "system";
    case Stage::Late: return "late";
  }
  return "?";
}

std::optional<Stage> parse_stage(std::string_view text) {
  if (text == "early") return Stage::Early;
  if (text == "system") return Stage::System;
  if (text == "late") return Stage::Late;
  return std::nullopt;
}

Outcome combined_outcome(const std::vector<std::pair<std::string, OutcomeKind>>& items) {
  std::vector<std::string> details;
  bool created = false, changed = false;
  for (const auto& [detail, kind] : items) {
    details.push_back(detail);
    created = created || kind == OutcomeKind::Created;
    changed = changed || kind == OutcomeKind::Changed;
  }
  std::string detail = join(details, "; ");
  if (created) return Outcome::created(detail);
  if (changed) return Outcome::changed(detail);
  return Outcome::kept(detail);
}

const char* outcome_name(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::Created: return "created";
    case OutcomeKind::Kept: return "kept";
    case OutcomeKind::Changed: return "changed";
    case OutcomeKind::Skipped: return "skipped";
    case OutcomeKind::Failed: return "failed";
    case OutcomeKind::Deferred: return "deferred";
  }
  return "?";
}

}  // namespace taupage
