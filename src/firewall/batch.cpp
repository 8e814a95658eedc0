#include "firewall/batch.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "util/strings.h"

namespace taupage {
namespace {

// The comment travels in the rule's user data as libnftnl's TLV, the only shape nft shows: type
// NFTNL_UDATA_RULE_COMMENT (0), one length byte, the text with its NUL; nft allows 128 bytes.
constexpr uint8_t kUserDataRuleComment = 0;
constexpr size_t kMaxCommentBytes = 127;

uint16_t nft_type(int message) { return static_cast<uint16_t>((NFNL_SUBSYS_NFTABLES << 8) | message); }

void batch_marker(Bytes& out, uint16_t type, uint32_t seq) {
  // BATCH_BEGIN and BATCH_END name the subsystem in res_id; family AF_UNSPEC.
  size_t m = begin_message(out, type, NLM_F_REQUEST, seq, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
  end_message(out, m);
}

}  // namespace

void encode_table_message(Bytes& out, int message, uint16_t extra_flags, const std::string& table, uint32_t seq) {
  size_t m = begin_message(out, nft_type(message), NLM_F_REQUEST | NLM_F_ACK | extra_flags, seq, NFPROTO_INET, 0);
  AttributeWriter w(out);
  w.put_string(NFTA_TABLE_NAME, table);
  if (message == NFT_MSG_NEWTABLE) w.put_be32(NFTA_TABLE_FLAGS, 0);
  end_message(out, m);
}

void encode_new_chain(Bytes& out, const Ruleset& ruleset, uint32_t seq) {
  size_t m = begin_message(out, nft_type(NFT_MSG_NEWCHAIN), NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seq, NFPROTO_INET, 0);
  AttributeWriter w(out);
  w.put_string(NFTA_CHAIN_TABLE, ruleset.table);
  w.put_string(NFTA_CHAIN_NAME, ruleset.chain);
  w.put_string(NFTA_CHAIN_TYPE, "filter");
  w.put_be32(NFTA_CHAIN_POLICY, NF_DROP);
  size_t hook = w.begin_nest(NFTA_CHAIN_HOOK);
  w.put_be32(NFTA_HOOK_HOOKNUM, NF_INET_LOCAL_IN);
  w.put_be32(NFTA_HOOK_PRIORITY, 0);  // "priority filter"
  w.end_nest(hook);
  end_message(out, m);
}

void encode_new_rule(Bytes& out, const std::string& table, const std::string& chain, const Rule& rule, uint32_t seq) {
  size_t m = begin_message(out, nft_type(NFT_MSG_NEWRULE), NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND, seq, NFPROTO_INET, 0);
  AttributeWriter w(out);
  w.put_string(NFTA_RULE_TABLE, table);
  w.put_string(NFTA_RULE_CHAIN, chain);
  size_t list = w.begin_nest(NFTA_RULE_EXPRESSIONS);
  for (const auto& expression : rule.expressions) write_expression(w, expression);
  w.end_nest(list);
  if (!rule.comment.empty()) {
    std::string_view comment = std::string_view(rule.comment).substr(0, kMaxCommentBytes);
    Bytes user_data{kUserDataRuleComment, static_cast<uint8_t>(comment.size() + 1)};
    user_data.insert(user_data.end(), comment.begin(), comment.end());
    user_data.push_back(0);
    w.put_bytes(NFTA_RULE_USERDATA, user_data.data(), user_data.size());
  }
  end_message(out, m);
}

std::string Batch::describe(uint32_t seq) const {
  for (const auto& entry : acknowledged) {
    if (entry.seq == seq) return entry.what;
  }
  return strfmt("message with sequence number %u", seq);
}

Batch encode_replace_batch(const Ruleset& ruleset, uint32_t first_seq) {
  Batch batch;
  uint32_t seq = first_seq;
  std::string table = "table inet " + ruleset.table;
  batch_marker(batch.bytes, NFNL_MSG_BATCH_BEGIN, seq++);
  // Create it if absent, so that the delete after it always finds a table to delete.
  batch.acknowledged.push_back({seq, "create " + table});
  encode_table_message(batch.bytes, NFT_MSG_NEWTABLE, NLM_F_CREATE, ruleset.table, seq++);
  batch.acknowledged.push_back({seq, "delete the previous " + table});
  encode_table_message(batch.bytes, NFT_MSG_DELTABLE, 0, ruleset.table, seq++);
  batch.acknowledged.push_back({seq, "create " + table + " again"});
  encode_table_message(batch.bytes, NFT_MSG_NEWTABLE, NLM_F_CREATE, ruleset.table, seq++);
  batch.acknowledged.push_back({seq, "create chain " + ruleset.chain + " (hook input, policy drop)"});
  encode_new_chain(batch.bytes, ruleset, seq++);
  for (size_t i = 0; i < ruleset.rules.size(); ++i) {
    const Rule& rule = ruleset.rules[i];
    batch.acknowledged.push_back({seq, strfmt("rule %zu \"%s\" (%s)", i + 1, rule.text.c_str(), rule.comment.c_str())});
    encode_new_rule(batch.bytes, ruleset.table, ruleset.chain, rule, seq++);
  }
  batch_marker(batch.bytes, NFNL_MSG_BATCH_END, seq++);
  return batch;
}

Bytes encode_get_table(const std::string& table, uint32_t seq) {
  Bytes out;
  size_t m = begin_message(out, nft_type(NFT_MSG_GETTABLE), NLM_F_REQUEST | NLM_F_ACK, seq, NFPROTO_INET, 0);
  AttributeWriter w(out);
  w.put_string(NFTA_TABLE_NAME, table);
  end_message(out, m);
  return out;
}

}  // namespace taupage
