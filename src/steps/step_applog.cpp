#include "steps/step_applog.h"

#include "host/application_log.h"
#include "steps/container_spec.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

// Present wherever the rsyslog package is installed (its own configuration file).
constexpr const char* kRsyslogConf = "/etc/rsyslog.conf";
constexpr const char* kLogrotateFolder = "/etc/logrotate.d";

LogrotatePolicy policy_of(const Config& config) {
  const auto& r = config.application_logrotate;
  return {r.size, r.interval, r.rotate, r.compress, r.delaycompress};
}

std::string rotation_text(const LogrotatePolicy& p) {
  return strfmt("%s or past %s, %d kept, %s", p.interval.c_str(), p.size.c_str(), p.rotate,
                !p.compress       ? "not compressed"
                : p.delaycompress ? "compressed one rotation late"
                                  : "compressed");
}

// The lines the rotation comes from: "lines 30-32", "line 30", or "default".
std::string rotation_source(const Config& config) {
  int first = 0, last = 0;
  for (const char* key : {"application_logrotate_size", "application_logrotate_interval", "application_logrotate_rotate",
                          "application_logrotate_disable_copytruncate", "application_logrotate_disable_delaycompress",
                          "application_logrotate_disable_compress"}) {
    const Origin* origin = config.provenance.find(path_key("$", key));
    if (!origin || origin->is_default) continue;
    int line = origin->mark.line;
    if (first == 0 || line < first) first = line;
    if (line > last) last = line;
  }
  if (first == 0) return "default";
  return first == last ? strfmt("line %d", first) : strfmt("lines %d-%d", first, last);
}

// Writes `content` at `path` (mode 0644) unless it is there already; the item for the outcome.
Result<std::pair<std::string, OutcomeKind>> place(const std::string& root, const char* path, const std::string& content) {
  std::string host = host_path(root, path);
  bool existed = path_exists(host);
  if (existed) {
    auto current = read_file(host, 1 << 20);
    if (current && *current == content) return std::pair<std::string, OutcomeKind>{std::string(path) + " kept", OutcomeKind::Kept};
  }
  if (auto made = make_dirs(host.substr(0, host.rfind('/'))); !made) return Error(made.error());
  if (auto written = write_file_atomic(host, content, 0644, FileOwner{0, 0}); !written) return Error(written.error());
  return std::pair<std::string, OutcomeKind>{std::string(path) + (existed ? " rewritten" : " written"),
                                             existed ? OutcomeKind::Changed : OutcomeKind::Created};
}

class ApplogStep : public Step {
 public:
  std::string_view name() const override { return "applog"; }
  Stage stage() const override { return Stage::System; }

  std::vector<PlanAction> describe(const Config& config) const override {
    return {{strfmt("the container's lines (syslog tag %s) to %s, only the message (rsyslog rule %s; without rsyslog they "
                    "stay in the journal)",
                    syslog_tag(config).c_str(), kApplicationLogPath, kApplicationRsyslogRulePath),
             ""},
            {strfmt("%s rotated %s (logrotate policy %s)", kApplicationLogPath, rotation_text(policy_of(config)).c_str(),
                    kApplicationLogrotatePath),
             rotation_source(config)}};
  }

  Outcome run(Context& context) override {
    const Config& config = context.config;
    if (!path_exists(host_path(context.settings.root, kRsyslogConf))) {
      return Outcome::skipped(
          strfmt("no rsyslog on this machine (%s is missing): the container's lines stay in the journal "
                 "(journalctl -t %s)",
                 host_path(context.settings.root, kRsyslogConf).c_str(), syslog_tag(config).c_str()));
    }
    std::vector<std::pair<std::string, OutcomeKind>> items;
    auto rule = place(context.settings.root, kApplicationRsyslogRulePath, render_application_rsyslog_rule(syslog_tag(config)));
    if (!rule) return Outcome::failed(Error(rule.error()).wrap("the rsyslog rule for " + std::string(kApplicationLogPath)).message());
    items.push_back(*rule);
    if (!path_exists(host_path(context.settings.root, kLogrotateFolder))) {
      items.push_back({strfmt("no logrotate on this machine (%s is missing): %s is not rotated", kLogrotateFolder, kApplicationLogPath),
                       OutcomeKind::Kept});
    } else {
      auto policy = place(context.settings.root, kApplicationLogrotatePath, render_application_logrotate(policy_of(config)));
      if (!policy)
        return Outcome::failed(Error(policy.error()).wrap("the logrotate policy for " + std::string(kApplicationLogPath)).message());
      items.push_back(*policy);
    }
    return combined_outcome(items);
  }
};

}  // namespace

std::unique_ptr<Step> make_applog_step() { return std::make_unique<ApplogStep>(); }

}  // namespace taupage
