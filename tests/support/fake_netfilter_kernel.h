/// A NetlinkChannel double that plays nf_tables: it records what was sent, splits it into
/// messages, and answers each one carrying NLM_F_ACK as the kernel does (an ack per message, an
/// errno for the one told to fail). Tests of the firewall logic use it instead of a socket.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "firewall/netlink_channel.h"

namespace taupage {

struct SentMessage {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t seq = 0;
  Bytes bytes;  // the whole message, header included
};

class FakeNetfilterKernel : public NetlinkChannel {
 public:
  Status send(const Bytes& messages) override;
  Result<Bytes> receive(int timeout_ms) override;

  // The message at this index among acknowledged messages fails with this errno.
  std::optional<size_t> fail_index;
  int fail_errno = 2;                           // ENOENT
  bool answer = true;                           // false: stay silent, as a kernel that never answers
  std::set<std::string> tables;                 // tables that GETTABLE finds
  std::vector<std::vector<SentMessage>> sends;  // each send(), split into messages

 private:
  Bytes queued_;
};

}  // namespace taupage
