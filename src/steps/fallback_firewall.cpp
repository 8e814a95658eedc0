#include "steps/fallback_firewall.h"

#include "firewall/netfilter.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

FallbackFirewall fallback_firewall_for(const std::string& root) {
  FallbackFirewall out;
  out.sshd = sshd_listen_ports(root);
  out.ruleset = builtin_ruleset();
  for (uint16_t port : out.sshd.ports) {
    out.ruleset.rules.push_back(port_rule(Protocol::Tcp, port, strfmt("sshd: %u (no usable user data)", port), ""));
  }
  return out;
}

StepReport apply_fallback_firewall(NetlinkChannel& channel, const std::string& root, bool dry_run) {
  FallbackFirewall wanted = fallback_firewall_for(root);
  for (const auto& note : wanted.sshd.notes) Log::warn("firewall: " + note);
  std::vector<std::string> ports;
  for (uint16_t port : wanted.sshd.ports) ports.push_back(strfmt("%u", port));
  // The files read, so that an operator sees where the port came from (or why it is 22).
  std::string from = wanted.sshd.files.empty() ? "sshd's default: no sshd_config under " + root
                     : wanted.sshd.defaulted   ? "sshd's default: no Port line in " + join(wanted.sshd.files, ", ")
                                               : "from " + join(wanted.sshd.files, ", ");
  std::string what = strfmt("table inet %s, %zu rules, policy drop: only sshd's port%s %s open (%s), since the user data cannot be used",
                            wanted.ruleset.table.c_str(), wanted.ruleset.rules.size(), ports.size() == 1 ? "" : "s",
                            join(ports, ", ").c_str(), from.c_str());
  StepReport entry;
  entry.name = "firewall";
  if (dry_run) {
    Log::info("early   firewall   would: " + what);
    entry.kind = OutcomeKind::Skipped;
    entry.detail = "dry run: " + what;
    return entry;
  }
  int64_t start = real_clock().monotonic_ms();
  auto existed = inet_table_exists(channel, wanted.ruleset.table);
  Status applied = existed ? apply_ruleset(channel, wanted.ruleset) : Status(Error(existed.error()));
  entry.seconds = static_cast<double>(real_clock().monotonic_ms() - start) / 1000.0;
  if (!applied) {
    entry.kind = OutcomeKind::Failed;
    entry.detail = Error(applied.error()).wrap("replace table inet " + wanted.ruleset.table).message();
  } else {
    entry.kind = *existed ? OutcomeKind::Changed : OutcomeKind::Created;
    entry.detail = (*existed ? "replaced " : "") + what;
  }
  Log::write(applied ? LogLevel::Info : LogLevel::Error,
             strfmt("%-10s %-8s %s  %.2fs", entry.name.c_str(), outcome_name(entry.kind), entry.detail.c_str(), entry.seconds));
  return entry;
}

}  // namespace taupage
