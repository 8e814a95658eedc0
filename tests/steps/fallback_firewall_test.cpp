#include "steps/fallback_firewall.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>

#include "support/fake_netfilter_kernel.h"
#include "util/files.h"

namespace taupage {
namespace {

std::vector<std::string> port_rules(const Ruleset& ruleset) {
  std::vector<std::string> out;
  for (const auto& rule : ruleset.rules) {
    if (rule.text.rfind("tcp dport", 0) == 0) out.push_back(rule.nft_line());
  }
  return out;
}

class FallbackFirewallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/fallback-fw-XXXXXX";
    root_ = ::mkdtemp(dir);
  }
  void TearDown() override { EXPECT_EQ(std::system(("rm -rf " + root_).c_str()), 0); }
  std::string root_;
};

TEST_F(FallbackFirewallTest, OpensOnlySshdsPortsAndTheBuiltIns) {
  FallbackFirewall none = fallback_firewall_for(root_);
  EXPECT_EQ(port_rules(none.ruleset), (std::vector<std::string>{"tcp dport 22 accept comment \"sshd: 22 (no usable user data)\""}));
  EXPECT_EQ(none.ruleset.rules.size(), builtin_ruleset().rules.size() + 1);
  ASSERT_TRUE(make_dirs(root_ + "/etc/ssh/sshd_config.d"));
  ASSERT_TRUE(write_file_atomic(root_ + "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n#Port 22\n"));
  ASSERT_TRUE(write_file_atomic(root_ + "/etc/ssh/sshd_config.d/taupage.conf", "Port 2222\n"));
  FallbackFirewall configured = fallback_firewall_for(root_);
  EXPECT_EQ(port_rules(configured.ruleset),
            (std::vector<std::string>{"tcp dport 2222 accept comment \"sshd: 2222 (no usable user data)\""}));
}

TEST_F(FallbackFirewallTest, AppliesInOneBatchAndReportsAsTheFirewallStep) {
  FakeNetfilterKernel kernel;
  StepReport created = apply_fallback_firewall(kernel, root_, false);
  EXPECT_EQ(created.name, "firewall");
  EXPECT_EQ(created.kind, OutcomeKind::Created) << created.detail;
  EXPECT_NE(created.detail.find("only sshd's port 22 open (sshd's default: no sshd_config under "), std::string::npos) << created.detail;
  ASSERT_EQ(kernel.sends.size(), 2u);  // the table lookup, then one batch
  kernel.tables.insert("taupage");
  StepReport replaced = apply_fallback_firewall(kernel, root_, false);
  EXPECT_EQ(replaced.kind, OutcomeKind::Changed) << replaced.detail;
  EXPECT_EQ(replaced.detail.rfind("replaced table inet taupage", 0), 0u) << replaced.detail;
}

TEST_F(FallbackFirewallTest, ARefusedBatchIsAFailedFirewallAndADryRunSendsNothing) {
  FakeNetfilterKernel kernel;
  kernel.fail_index = 4;
  StepReport failed = apply_fallback_firewall(kernel, root_, false);
  EXPECT_EQ(failed.kind, OutcomeKind::Failed);
  EXPECT_NE(failed.detail.find("replace table inet taupage"), std::string::npos) << failed.detail;
  FakeNetfilterKernel untouched;
  StepReport dry = apply_fallback_firewall(untouched, root_, true);
  EXPECT_EQ(dry.kind, OutcomeKind::Skipped);
  EXPECT_TRUE(untouched.sends.empty());
}

}  // namespace
}  // namespace taupage
