#include "steps/step_sysctl.h"

#include "host/proc_sys.h"
#include "steps/container_spec.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

class SysctlStep : public Step {
 public:
  std::string_view name() const override { return "sysctl"; }
  Stage stage() const override { return Stage::System; }

  std::vector<PlanAction> describe(const Config& config) const override {
    std::vector<PlanAction> actions;
    for (const auto& s : config.sysctl) {
      actions.push_back({s.key + " = " + normalize_sysctl_value(s.value) + " (/proc/sys/" + proc_sys_path("", s.key).substr(1) + ")",
                         strfmt("line %d", s.mark.line)});
    }
    return actions;
  }

  Outcome run(Context& context) override {
    const auto& settings = context.config.sysctl;
    if (settings.empty()) return Outcome::skipped("no sysctl in the config");
    const std::string proc_sys = host_path(context.settings.root, "/proc/sys");

    // Every key first: a key this kernel lacks stops the step before anything is written.
    std::vector<std::string> current;
    for (const auto& s : settings) {
      std::string path = proc_sys_path(proc_sys, s.key);
      if (!path_exists(path)) {
        return Outcome::failed(strfmt("sysctl %s (line %d): this kernel has no such setting (%s is missing); nothing was changed",
                                      s.key.c_str(), s.mark.line, path.c_str()));
      }
      auto value = read_proc_sys(path);
      if (!value) return Outcome::failed(Error(value.error()).wrap("sysctl " + s.key).message() + "; nothing was changed");
      current.push_back(*value);
    }

    std::vector<std::pair<std::string, OutcomeKind>> items;
    for (size_t i = 0; i < settings.size(); ++i) {
      const auto& s = settings[i];
      std::string wanted = normalize_sysctl_value(s.value);
      if (current[i] == wanted) {
        items.push_back({s.key + " = " + wanted + " kept", OutcomeKind::Kept});
        continue;
      }
      std::string path = proc_sys_path(proc_sys, s.key);
      if (auto written = write_proc_sys(path, wanted); !written) {
        return Outcome::failed(strfmt("sysctl %s = %s (line %d): the kernel refused it (%s)", s.key.c_str(), wanted.c_str(), s.mark.line,
                                      written.error().message().c_str()));
      }
      // The kernel may round or clamp a value; what it holds now is what counts.
      auto after = read_proc_sys(path);
      std::string detail = s.key + " = " + wanted + " (was " + current[i] + ")";
      if (after && *after != wanted) {
        Log::warn("sysctl     " + s.key + ": the kernel holds " + *after + " after writing " + wanted);
        detail += ", the kernel holds " + *after;
      }
      items.push_back({detail, OutcomeKind::Changed});
    }
    return combined_outcome(items);
  }
};

}  // namespace

std::unique_ptr<Step> make_sysctl_step() { return std::make_unique<SysctlStep>(); }

}  // namespace taupage
