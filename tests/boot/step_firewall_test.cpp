#include "boot/step_firewall.h"

#include <gtest/gtest.h>

#include "config/config_reader.h"
#include "support/fake_netfilter_kernel.h"

namespace taupage {
namespace {

Config sample() {
  return *read_config("#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: r.example.org/a/b:1\n"
                      "ports:\n  80: 8080\n  53/udp: 53\nssh_ports: [22]\n")
              .config;
}

TEST(FirewallStep, CreatesThenReplaces) {
  Config config = sample();
  FakeNetfilterKernel kernel;
  Context context(config, real_clock());
  context.netfilter = &kernel;
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
  context.netfilter = &kernel;
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
