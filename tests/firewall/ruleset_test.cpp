#include "firewall/ruleset.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(FirewallRuleset, BaseRulesComeFirstInOrder) {
  Ruleset set = builtin_ruleset();
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
