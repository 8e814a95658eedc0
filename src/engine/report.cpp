#include "engine/report.h"

#include <sys/stat.h>

#include <cerrno>

#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

Json StageReport::to_json() const {
  Json out = Json::object();
  out.set("stage", stage_name(stage));
  out.set("boot_id", boot_id);
  out.set("started", started);
  out.set("seconds", seconds);
  out.set("ok", ok);
  if (!only.empty()) {
    Json names = Json::array();
    for (const auto& name : only) names.push(Json(name));
    out.set("only", std::move(names));
  }
  Json left = Json::array();
  for (const auto& name : pending) left.push(Json(name));
  out.set("pending", std::move(left));
  if (!ok) {
    out.set("failed_step", failed_step);
    out.set("reason", Log::redact(reason));
  }
  Json list = Json::array();
  for (const auto& step : steps) {
    Json s = Json::object();
    s.set("step", step.name);
    s.set("outcome", outcome_name(step.kind));
    s.set("detail", Log::redact(step.detail));
    s.set("seconds", step.seconds);
    list.push(std::move(s));
  }
  out.set("steps", std::move(list));
  return out;
}

Result<StageReport> StageReport::from_json(const Json& json) {
  StageReport report;
  auto stage = parse_stage(json.get_string("stage"));
  if (!json.is_object() || !stage || !json.get("ok").is_bool()) return Error("not a Taupage stage report");
  report.stage = *stage;
  report.boot_id = json.get_string("boot_id");
  report.started = json.get_string("started");
  report.seconds = json.get("seconds").as_number();
  report.ok = json.get("ok").as_bool();
  report.failed_step = json.get_string("failed_step");
  report.reason = json.get_string("reason");
  for (const auto& name : json.get("only").items()) report.only.push_back(name.as_string());
  for (const auto& name : json.get("pending").items()) report.pending.push_back(name.as_string());
  // A report without the list cannot say that its stage completed, unless it plainly did.
  if (!json.get("pending").is_array() && (!report.ok || !report.only.empty())) report.pending.push_back("(not recorded)");
  for (const auto& s : json.get("steps").items()) {
    StepReport step;
    step.name = s.get_string("step");
    std::string outcome = s.get_string("outcome");
    for (auto kind : {OutcomeKind::Created, OutcomeKind::Kept, OutcomeKind::Changed, OutcomeKind::Skipped, OutcomeKind::Failed,
                      OutcomeKind::Deferred}) {
      if (outcome == outcome_name(kind)) step.kind = kind;
    }
    step.detail = s.get_string("detail");
    step.seconds = s.get("seconds").as_number();
    report.steps.push_back(std::move(step));
  }
  return report;
}

std::string StageReport::path_in(const std::string& state_dir) const { return state_dir + "/report-" + stage_name(stage) + ".json"; }

std::string StageReport::failed_at() const {
  if (!failed_step.empty() && failed_step[0] == '(') return failed_step;
  return "step " + failed_step;
}

bool StageReport::deferred() const {
  for (const auto& step : steps) {
    if (step.kind == OutcomeKind::Deferred) return true;
  }
  return false;
}

std::string read_boot_id(const std::string& path) {
  auto content = read_file(path, 256);
  if (!content) return "unknown";
  return std::string(trim(*content));
}

Status save_report(const StageReport& report, const std::string& state_dir) {
  if (auto made = make_dirs(state_dir, 0700); !made) return made;
  // Step errors can quote what a server said; only root reads the reports.
  return write_file_atomic(report.path_in(state_dir), report.to_json().dump(2) + "\n", 0600);
}

Result<std::optional<StageReport>> load_report(Stage stage, const std::string& state_dir, const std::string& boot_id) {
  StageReport probe;
  probe.stage = stage;
  std::string path = probe.path_in(state_dir);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return std::optional<StageReport>();
  auto unreadable = [&](const std::string& why) {
    return Error(strfmt("the %s stage's report %s cannot be read (%s); look at it, and remove it to run this stage anyway",
                        stage_name(stage), path.c_str(), why.c_str()));
  };
  auto content = read_file(path, 1024 * 1024);
  if (!content) return unreadable(content.error().message());
  auto json = parse_json(*content);
  if (!json) return unreadable(json.error().message());
  auto report = StageReport::from_json(*json);
  if (!report) return unreadable(report.error().message());
  if (report->boot_id != boot_id) return std::optional<StageReport>();  // an earlier boot's
  return std::optional<StageReport>(std::move(*report));
}

}  // namespace taupage
