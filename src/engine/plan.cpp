#include "engine/plan.h"

#include "util/strings.h"

namespace taupage {

std::vector<PlannedStep> make_plan(const Config& config, const StepList& steps, const std::vector<Stage>& stages) {
  std::vector<PlannedStep> plan;
  for (Stage stage : stages) {
    for (const auto& step : steps) {
      if (step->stage() != stage) continue;
      plan.push_back({stage, std::string(step->name()), step->describe(config)});
    }
  }
  return plan;
}

std::string render_plan_text(const std::vector<PlannedStep>& plan) {
  std::string out;
  for (const auto& planned : plan) {
    std::string head = strfmt("%-7s %-10s ", stage_name(planned.stage), planned.step.c_str());
    if (planned.actions.empty()) {
      out += head + "nothing to do\n";
      continue;
    }
    for (size_t i = 0; i < planned.actions.size(); ++i) {
      const auto& action = planned.actions[i];
      out += i == 0 ? head : std::string(head.size(), ' ');
      out += action.text;
      if (!action.source.empty()) out += " (" + action.source + ")";
      out += "\n";
    }
  }
  return out;
}

Json render_plan_json(const std::vector<PlannedStep>& plan) {
  Json steps = Json::array();
  for (const auto& planned : plan) {
    Json step = Json::object();
    step.set("stage", stage_name(planned.stage));
    step.set("step", planned.step);
    Json actions = Json::array();
    for (const auto& action : planned.actions) {
      Json a = Json::object();
      a.set("text", action.text);
      if (!action.source.empty()) a.set("source", action.source);
      actions.push(std::move(a));
    }
    step.set("actions", std::move(actions));
    steps.push(std::move(step));
  }
  Json out = Json::object();
  out.set("steps", std::move(steps));
  return out;
}

}  // namespace taupage
