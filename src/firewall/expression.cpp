#include "firewall/expression.h"

#include <linux/netfilter/nf_tables.h>

namespace taupage {

Expression meta_load(uint32_t key) {
  Expression e{"meta", {}};
  AttributeWriter w(e.data);
  w.put_be32(NFTA_META_KEY, key);  // nft's attribute order, so our bytes equal nft's
  w.put_be32(NFTA_META_DREG, NFT_REG_1);
  return e;
}

Expression ct_load(uint32_t key) {
  Expression e{"ct", {}};
  AttributeWriter w(e.data);
  w.put_be32(NFTA_CT_KEY, key);
  w.put_be32(NFTA_CT_DREG, NFT_REG_1);
  return e;
}

Expression payload_load(uint32_t base, uint32_t offset, uint32_t length) {
  Expression e{"payload", {}};
  AttributeWriter w(e.data);
  w.put_be32(NFTA_PAYLOAD_DREG, NFT_REG_1);
  w.put_be32(NFTA_PAYLOAD_BASE, base);
  w.put_be32(NFTA_PAYLOAD_OFFSET, offset);
  w.put_be32(NFTA_PAYLOAD_LEN, length);
  return e;
}

Expression bitwise(const Bytes& mask, const Bytes& xor_value) {
  Expression e{"bitwise", {}};
  AttributeWriter w(e.data);
  w.put_be32(NFTA_BITWISE_SREG, NFT_REG_1);
  w.put_be32(NFTA_BITWISE_DREG, NFT_REG_1);
  w.put_be32(NFTA_BITWISE_LEN, static_cast<uint32_t>(mask.size()));
  size_t m = w.begin_nest(NFTA_BITWISE_MASK);
  w.put_bytes(NFTA_DATA_VALUE, mask.data(), mask.size());
  w.end_nest(m);
  size_t x = w.begin_nest(NFTA_BITWISE_XOR);
  w.put_bytes(NFTA_DATA_VALUE, xor_value.data(), xor_value.size());
  w.end_nest(x);
  return e;
}

Expression cmp(uint32_t op, const Bytes& value) {
  Expression e{"cmp", {}};
  AttributeWriter w(e.data);
  w.put_be32(NFTA_CMP_SREG, NFT_REG_1);
  w.put_be32(NFTA_CMP_OP, op);
  size_t d = w.begin_nest(NFTA_CMP_DATA);
  w.put_bytes(NFTA_DATA_VALUE, value.data(), value.size());
  w.end_nest(d);
  return e;
}

Expression verdict(uint32_t code) {
  Expression e{"immediate", {}};
  AttributeWriter w(e.data);
  w.put_be32(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
  size_t d = w.begin_nest(NFTA_IMMEDIATE_DATA);
  size_t v = w.begin_nest(NFTA_DATA_VERDICT);
  w.put_be32(NFTA_VERDICT_CODE, code);
  w.end_nest(v);
  w.end_nest(d);
  return e;
}

void write_expression(AttributeWriter& writer, const Expression& expression) {
  size_t elem = writer.begin_nest(NFTA_LIST_ELEM);
  writer.put_string(NFTA_EXPR_NAME, expression.name);
  size_t data = writer.begin_nest(NFTA_EXPR_DATA);
  // The expression's attributes were encoded on their own; they are already aligned.
  writer.put_raw(expression.data);
  writer.end_nest(data);
  writer.end_nest(elem);
}

}  // namespace taupage
