#include "firewall/netlink_message.h"

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstring>
#include <string>

namespace taupage {
namespace {

void append(Bytes& out, const void* data, size_t length) {
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + length);
}

void pad_to_alignment(Bytes& out) { out.resize(NLMSG_ALIGN(out.size()), 0); }

void set_u16(Bytes& out, size_t at, uint16_t value) { std::memcpy(out.data() + at, &value, sizeof value); }

}  // namespace

void AttributeWriter::put_bytes(uint16_t type, const void* data, size_t length) {
  nlattr header{};
  header.nla_len = static_cast<uint16_t>(NLA_HDRLEN + length);
  header.nla_type = type;
  append(out_, &header, sizeof header);
  append(out_, data, length);
  pad_to_alignment(out_);
}

void AttributeWriter::put_be32(uint16_t type, uint32_t value) {
  uint32_t be = htonl(value);
  put_bytes(type, &be, sizeof be);
}

void AttributeWriter::put_string(uint16_t type, std::string_view text) {
  std::string with_nul(text);
  put_bytes(type, with_nul.c_str(), with_nul.size() + 1);
}

void AttributeWriter::put_raw(const Bytes& attributes) {
  append(out_, attributes.data(), attributes.size());
  pad_to_alignment(out_);
}

size_t AttributeWriter::begin_nest(uint16_t type) {
  size_t start = out_.size();
  nlattr header{};
  header.nla_type = static_cast<uint16_t>(type | NLA_F_NESTED);
  append(out_, &header, sizeof header);
  return start;
}

void AttributeWriter::end_nest(size_t start) {
  set_u16(out_, start + offsetof(nlattr, nla_len), static_cast<uint16_t>(out_.size() - start));
}

size_t begin_message(Bytes& out, uint16_t type, uint16_t flags, uint32_t seq, uint8_t family, uint16_t res_id) {
  size_t start = out.size();
  nlmsghdr header{};
  header.nlmsg_type = type;
  header.nlmsg_flags = flags;
  header.nlmsg_seq = seq;
  append(out, &header, sizeof header);
  nfgenmsg generic{};
  generic.nfgen_family = family;
  generic.version = NFNETLINK_V0;
  generic.res_id = htons(res_id);
  append(out, &generic, sizeof generic);
  pad_to_alignment(out);
  return start;
}

void end_message(Bytes& out, size_t start) {
  pad_to_alignment(out);
  uint32_t length = static_cast<uint32_t>(out.size() - start);
  std::memcpy(out.data() + start + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
}

std::string hex_bytes(const Bytes& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i) out += ' ';
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

}  // namespace taupage
