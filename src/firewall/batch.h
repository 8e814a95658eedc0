/// The one nfnetlink batch that replaces table `inet taupage`: NEWTABLE, DELTABLE, NEWTABLE,
/// the chain and every rule between BATCH_BEGIN and BATCH_END. The kernel commits all of it or
/// nothing, so there is never a moment without rules and a re-run never duplicates one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "firewall/netlink_message.h"
#include "firewall/ruleset.h"

namespace taupage {

// A message of the batch that the kernel acknowledges, and what it does, for error messages.
struct BatchEntry {
  uint32_t seq = 0;
  std::string what;  // "rule 14 \"tcp dport 22 accept\" (ssh_ports: 22)"
};

struct Batch {
  Bytes bytes;
  std::vector<BatchEntry> acknowledged;  // every message but BATCH_BEGIN and BATCH_END, in order
  std::string describe(uint32_t seq) const;
};

// Encodes the replacement of the ruleset's table; sequence numbers start at first_seq.
Batch encode_replace_batch(const Ruleset& ruleset, uint32_t first_seq);

// A GETTABLE request for one table of family inet (answered by the table, or ENOENT).
Bytes encode_get_table(const std::string& table, uint32_t seq);

// One table message (NFT_MSG_NEWTABLE or NFT_MSG_DELTABLE) of family inet, as in the batch.
void encode_table_message(Bytes& out, int message, uint16_t extra_flags, const std::string& table, uint32_t seq);
// The NEWCHAIN message of the ruleset's input chain, as in the batch.
void encode_new_chain(Bytes& out, const Ruleset& ruleset, uint32_t seq);
// Encodes one rule's NEWRULE message (appended to the chain), as it appears in the batch.
void encode_new_rule(Bytes& out, const std::string& table, const std::string& chain, const Rule& rule, uint32_t seq);

}  // namespace taupage
