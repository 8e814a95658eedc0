#include "steps/step_firewall.h"

#include "firewall/netfilter.h"
#include "firewall/ruleset.h"
#include "util/strings.h"

namespace taupage {

Ruleset ruleset_for(const Config& config) {
  Ruleset set = builtin_ruleset();
  auto& r = set.rules;
  std::string ssh_source = config.line_of("ssh_ports");
  for (uint16_t port : config.ssh_ports) r.push_back(port_rule(Protocol::Tcp, port, strfmt("ssh_ports: %u", port), ssh_source));
  for (const auto& mapping : config.ports) {
    std::string comment =
        mapping.protocol == Protocol::Tcp ? strfmt("ports: %u", mapping.host_port) : strfmt("ports: %u/udp", mapping.host_port);
    r.push_back(port_rule(mapping.protocol, mapping.host_port, comment, mapping.mark.line > 0 ? strfmt("line %d", mapping.mark.line) : ""));
  }
  return set;
}

namespace {

class FirewallStep : public Step {
 public:
  std::string_view name() const override { return "firewall"; }
  Stage stage() const override { return Stage::Early; }

  std::vector<PlanAction> describe(const Config& config) const override {
    Ruleset ruleset = ruleset_for(config);
    std::vector<PlanAction> actions;
    actions.push_back({strfmt("table inet %s, chain %s: type filter hook input priority filter; policy drop; (replaced as a whole)",
                              ruleset.table.c_str(), ruleset.chain.c_str()),
                       ""});
    for (const auto& rule : ruleset.rules) actions.push_back({rule.nft_line(), rule.source});
    return actions;
  }

  Outcome run(Context& context) override {
    if (!context.services.netfilter) return Outcome::failed("no netfilter channel was given to the firewall step");
    Ruleset ruleset = ruleset_for(context.config);
    std::string table = "table inet " + ruleset.table;
    auto existed = inet_table_exists(*context.services.netfilter, ruleset.table);
    if (!existed) return Outcome::failed(Error(existed.error()).wrap("firewall").message());
    if (auto applied = apply_ruleset(*context.services.netfilter, ruleset); !applied) {
      return Outcome::failed(Error(applied.error()).wrap("replace " + table).message());
    }
    std::string detail = strfmt("%s, %zu rules (%zu ssh, %zu ports), policy drop", table.c_str(), ruleset.rules.size(),
                                context.config.ssh_ports.size(), context.config.ports.size());
    return *existed ? Outcome::changed("replaced " + detail) : Outcome::created(detail);
  }
};

}  // namespace

std::unique_ptr<Step> make_firewall_step() { return std::make_unique<FirewallStep>(); }

}  // namespace taupage
