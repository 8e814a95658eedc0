#include "firewall/netfilter.h"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <gtest/gtest.h>
#include <linux/netlink.h>

#include <climits>
#include <cstddef>
#include <cstring>

#include "support/fake_netfilter_kernel.h"

namespace taupage {
namespace {

Ruleset two_rules() {
  Ruleset set;
  set.rules = {port_rule(Protocol::Tcp, 22, "ssh_ports: 22", ""), port_rule(Protocol::Udp, 53, "ports: 53/udp", "")};
  return set;
}

TEST(FirewallApply, SendsOneBatchAndSucceedsWhenEverythingIsAcknowledged) {
  FakeNetfilterKernel kernel;
  EXPECT_TRUE(apply_ruleset(kernel, two_rules()));
  ASSERT_EQ(kernel.sends.size(), 1u);
  EXPECT_EQ(kernel.sends[0].size(), 8u);
}

TEST(FirewallApply, AFailingRuleIsNamedAndReportedAsRolledBack) {
  FakeNetfilterKernel kernel;
  kernel.fail_index = 5;  // NEWTABLE, DELTABLE, NEWTABLE, NEWCHAIN, rule 1, rule 2
  auto status = apply_ruleset(kernel, two_rules());
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("rule 2 \"udp dport 53 accept\" (ports: 53/udp)"), std::string::npos) << status.error().message();
  EXPECT_NE(status.error().message().find("No such file or directory"), std::string::npos);
  EXPECT_NE(status.error().message().find("unchanged"), std::string::npos);
}

TEST(FirewallApply, EarlierOkAcksDoNotMeanSuccess) {
  FakeNetfilterKernel kernel;
  kernel.fail_index = 3;  // the chain
  kernel.fail_errno = 95;
  auto status = apply_ruleset(kernel, two_rules());
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("create chain input"), std::string::npos) << status.error().message();
}

TEST(FirewallApply, SilenceIsAnErrorNotAHang) {
  FakeNetfilterKernel kernel;
  kernel.answer = false;
  auto status = apply_ruleset(kernel, two_rules());
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("did not acknowledge"), std::string::npos) << status.error().message();
}

// Answers the first message it was sent with an acknowledgement carrying `error` as it is.
class RawAckChannel : public NetlinkChannel {
 public:
  explicit RawAckChannel(int32_t error) : error_(error) {}
  Status send(const Bytes& messages) override {
    std::memcpy(&seq_, messages.data() + offsetof(nlmsghdr, nlmsg_seq), sizeof seq_);
    return Status::Ok();
  }
  Result<Bytes> receive(int) override {
    if (answered_) return Bytes{};
    answered_ = true;
    nlmsghdr header{};
    header.nlmsg_len = NLMSG_HDRLEN + sizeof(nlmsgerr);
    header.nlmsg_type = NLMSG_ERROR;
    header.nlmsg_flags = NLM_F_CAPPED;
    header.nlmsg_seq = seq_;
    nlmsgerr err{};
    err.error = error_;
    Bytes bytes(header.nlmsg_len);
    std::memcpy(bytes.data(), &header, sizeof header);
    std::memcpy(bytes.data() + NLMSG_HDRLEN, &err, sizeof err);
    return bytes;
  }

 private:
  int32_t error_;
  uint32_t seq_ = 0;
  bool answered_ = false;
};

// The netlink fuzz target's regression (tests/fuzz/regressions/netlink/): an error field that is
// no negative errno (INT_MIN overflowed when negated) is a protocol error, never a success.
TEST(FirewallApply, AnAckThatIsNoErrnoIsAProtocolError) {
  for (int32_t error : {INT32_MIN, 5, -100000}) {
    RawAckChannel channel(error);
    auto exists = inet_table_exists(channel, "taupage");
    ASSERT_FALSE(exists) << error;
    EXPECT_NE(exists.error().message().find("Protocol error"), std::string::npos) << exists.error().message();
  }
  RawAckChannel enoent(-2);
  auto absent = inet_table_exists(enoent, "taupage");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(*absent);
}

TEST(FirewallApply, TableLookup) {
  FakeNetfilterKernel kernel;
  auto absent = inet_table_exists(kernel, "taupage");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(*absent);
  kernel.tables.insert("taupage");
  auto present = inet_table_exists(kernel, "taupage");
  ASSERT_TRUE(present);
  EXPECT_TRUE(*present);
  ASSERT_EQ(kernel.sends.back().size(), 1u);
  EXPECT_EQ(kernel.sends.back()[0].type, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE);
}

}  // namespace
}  // namespace taupage
