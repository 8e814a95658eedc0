/// nf_tables expressions: the instructions of a rule's virtual machine (load a field into a
/// register, compare it, set a verdict). Each is encoded exactly as `nft` emits it, so that
/// `nft list ruleset` prints our rules back as ordinary nft syntax.
#pragma once

#include <cstdint>
#include <string>

#include "firewall/netlink_message.h"

namespace taupage {

struct Expression {
  std::string name;  // "meta", "cmp", "payload", "ct", "bitwise", "immediate"
  Bytes data;        // the attributes inside NFTA_EXPR_DATA
};

// [meta load KEY => reg 1]; KEY is an NFT_META_* value (l4proto, nfproto, iif).
Expression meta_load(uint32_t key);
// [ct load KEY => reg 1]; KEY is an NFT_CT_* value.
Expression ct_load(uint32_t key);
// [payload load LENGTH b @ BASE header + OFFSET => reg 1].
Expression payload_load(uint32_t base, uint32_t offset, uint32_t length);
// [bitwise reg 1 = (reg 1 & MASK) ^ XOR], both as raw register bytes.
Expression bitwise(const Bytes& mask, const Bytes& xor_value);
// [cmp OP reg 1 VALUE]; VALUE is raw register bytes (network order for packet fields).
Expression cmp(uint32_t op, const Bytes& value);
// [immediate reg 0 VERDICT]; NF_ACCEPT or NF_DROP.
Expression verdict(uint32_t code);

// Appends NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA } for one expression.
void write_expression(AttributeWriter& writer, const Expression& expression);

}  // namespace taupage
