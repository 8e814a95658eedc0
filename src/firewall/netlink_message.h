/// Netlink message and attribute encoding for nfnetlink: a message is an nlmsghdr, an nfgenmsg
/// and attributes (type-length-value, 4-byte aligned, nests flagged NLA_F_NESTED). A batch is
/// such messages back to back in one buffer, sent with one sendmsg so the kernel applies it whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace taupage {

using Bytes = std::vector<uint8_t>;

// Appends attributes to a buffer that a message (or another attribute) is being built in.
class AttributeWriter {
 public:
  explicit AttributeWriter(Bytes& out) : out_(out) {}

  void put_bytes(uint16_t type, const void* data, size_t length);
  void put_be32(uint16_t type, uint32_t value);           // nf_tables integers travel in network order
  void put_string(uint16_t type, std::string_view text);  // with its trailing NUL, as the kernel expects
  // Opens a nested attribute; every attribute written until end_nest() goes inside it.
  size_t begin_nest(uint16_t type);
  void end_nest(size_t start);
  // Appends attributes that were encoded into another buffer.
  void put_raw(const Bytes& attributes);

 private:
  Bytes& out_;
};

// Starts a netlink message carrying an nfgenmsg; returns where it starts, for end_message().
size_t begin_message(Bytes& out, uint16_t type, uint16_t flags, uint32_t seq, uint8_t family, uint16_t res_id);
// Writes the final length into the message header and pads the buffer to 4 bytes.
void end_message(Bytes& out, size_t start);

// Hex of a byte string ("0a 00 ..."), for tests and error messages.
std::string hex_bytes(const Bytes& bytes);

}  // namespace taupage
