#include "firewall/ruleset.h"

#include <gtest/gtest.h>

#include "config/config_reader.h"

namespace taupage {
namespace {

Config config_from(const std::string& body) {
  auto read = read_config("#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: r.example.org/a/b:1\n" + body);
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

TEST(FirewallRuleset, DefaultOpensSsh22AndNothingElseFromConfig) {
  Ruleset set = ruleset_for(config_from(""));
  EXPECT_EQ(lines_with(set, "ssh_ports"), (std::vector<std::string>{"tcp dport 22 accept comment \"ssh_ports: 22\""}));
  EXPECT_TRUE(lines_with(set, "ports").empty());
  EXPECT_EQ(set.table, "taupage");
}

TEST(FirewallRuleset, EveryPortWithItsProtocolAndSource) {
  Ruleset set = ruleset_for(config_from("ports:\n  80: 8080\n  8301: 8301\n  8301/udp: 8301\nssh_ports: [2222, 22]\n"));
  EXPECT_EQ(lines_with(set, "ssh_ports"), (std::vector<std::string>{"tcp dport 2222 accept comment \"ssh_ports: 2222\"",
                                                                    "tcp dport 22 accept comment \"ssh_ports: 22\""}));
  EXPECT_EQ(lines_with(set, "ports"), (std::vector<std::string>{"tcp dport 80 accept comment \"ports: 80\"",
                                                                "tcp dport 8301 accept comment \"ports: 8301\"",
                                                                "udp dport 8301 accept comment \"ports: 8301/udp\""}));
  for (const auto& rule : set.rules) {
    if (rule.comment.rfind("ports", 0) == 0) {
      EXPECT_FALSE(rule.source.empty()) << rule.text;
    }
  }
}

TEST(FirewallRuleset, BaseRulesComeFirstInOrder) {
  Ruleset set = ruleset_for(config_from(""));
  ASSERT_GE(set.rules.size(), 4u);
  EXPECT_EQ(set.rules[0].text, "ct state established,related accept");
  EXPECT_EQ(set.rules[1].text, "ct state invalid drop");
  EXPECT_EQ(set.rules[2].text, "iif \"lo\" accept");
  std::string all = set.nft_text();
  for (const char* needed : {"icmp type echo-request accept", "icmpv6 type packet-too-big accept", "icmpv6 type nd-router-advert accept",
                             "icmpv6 type nd-neighbor-solicit accept", "icmpv6 type nd-neighbor-advert accept",
                             "udp sport 67 udp dport 68 accept", "udp sport 547 udp dport 546 accept"}) {
    EXPECT_NE(all.find(needed), std::string::npos) << needed;
  }
  EXPECT_EQ(all.rfind("table inet taupage {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n", 0), 0u);
  for (const auto& rule : set.rules) EXPECT_FALSE(rule.comment.empty()) << rule.text;
}

}  // namespace
}  // namespace taupage
