#include "steps/step_firewall.h"

#include <gtest/gtest.h>

#include "config/config_reader.h"
#include "support/fake_netfilter_kernel.h"

namespace taupage {
namespace {

Config config_from(const std::string& body) {
  auto read = read_config(
      "#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: r.example.org/a/b:1\n" + body);
  EXPECT_TRUE(read.config.has_value()) << (read.diagnostics.empty() ? "" : read.diagnostics[0].render());
  return read.config.value_or(Config{});
}

std::vector<std::string> lines_with(const Ruleset& set, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& rule : set.rules) {
    if (rule.comment.rfind(prefix, 0) == 0) out.push_back(rule.nft_line());
  }
  return out;
}

TEST(FirewallRulesetFromConfig, DefaultOpensSsh22AndNothingElseFromConfig) {
  Ruleset set = ruleset_for(config_from(""));
  EXPECT_EQ(lines_with(set, "ssh_ports"), (std::vector<std::string>{"tcp dport 22 accept comment \"ssh_ports: 22\""}));
  EXPECT_TRUE(lines_with(set, "ports").empty());
  EXPECT_EQ(set.table, "taupage");
}

TEST(FirewallRulesetFromConfig, EveryPortWithItsProtocolAndSource) {
  Ruleset set = ruleset_for(config_from("ports:\n  80: 8080\n  8301: 8301\n  8301/udp: 8301\nssh_ports: [2222, 22]\n"));
  EXPECT_EQ(lines_with(set, "ssh_ports"), (std::vector<std::string>{"tcp dport 2222 accept comment \"ssh_ports: 2222\"",
                                                                    "tcp dport 22 accept comment \"ssh_ports: 22\""}));
  EXPECT_EQ(lines_with(set, "ports"),
            (std::vector<std::string>{"tcp dport 80 accept comment \"ports: 80\"", "tcp dport 8301 accept comment \"ports: 8301\"",
                                      "udp dport 8301 accept comment \"ports: 8301/udp\""}));
  for (const auto& rule : set.rules) {
    if (rule.comment.rfind("ports", 0) == 0) {
      EXPECT_FALSE(rule.source.empty()) << rule.text;
    }
  }
}

Config sample() {
  return *read_config(
              "#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: r.example.org/a/b:1\n"
              "ports:\n  80: 8080\n  53/udp: 53\nssh_ports: [22]\n")
              .config;
}

TEST(FirewallStep, CreatesThenReplaces) {
  Config config = sample();
  FakeNetfilterKernel kernel;
  Context context(config, real_clock());
  context.services.netfilter = &kernel;
  auto step = make_firewall_step();
  EXPECT_EQ(step->stage(), Stage::Early);
  Outcome first = step->run(context);
  EXPECT_EQ(first.kind, OutcomeKind::Created) << first.detail;
  EXPECT_NE(first.detail.find("table inet taupage"), std::string::npos);
  kernel.tables.insert("taupage");
  Outcome second = step->run(context);
  EXPECT_EQ(second.kind, OutcomeKind::Changed) << second.detail;
}

TEST(FirewallStep, ARefusedBatchFailsTheStepNamingTheRule) {
  Config config = sample();
  FakeNetfilterKernel kernel;
  kernel.fail_index = 4 + 17;  // 4 table/chain messages, then the 18th rule: ssh_ports 22
  Context context(config, real_clock());
  context.services.netfilter = &kernel;
  Outcome outcome = make_firewall_step()->run(context);
  EXPECT_EQ(outcome.kind, OutcomeKind::Failed);
  EXPECT_NE(outcome.detail.find("\"tcp dport 22 accept\" (ssh_ports: 22)"), std::string::npos) << outcome.detail;
}

TEST(FirewallStep, DescribeShowsNftSyntaxWithSources) {
  auto actions = make_firewall_step()->describe(sample());
  bool found = false;
  for (const auto& a : actions) {
    if (a.text == "udp dport 53 accept comment \"ports: 53/udp\"") {
      found = true;
      EXPECT_EQ(a.source, "line 8");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_NE(actions.front().text.find("policy drop"), std::string::npos);
}

}  // namespace
}  // namespace taupage
