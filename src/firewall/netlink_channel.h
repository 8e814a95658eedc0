/// The one place Taupage talks to the kernel's nf_tables: a NETLINK_NETFILTER socket that sends
/// a buffer of messages and hands back the replies. Everything above it works on bytes, so unit
/// tests replace it with a double that plays the kernel.
#pragma once

#include <memory>

#include "firewall/netlink_message.h"
#include "util/result.h"

namespace taupage {

class NetlinkChannel {
 public:
  virtual ~NetlinkChannel() = default;
  // Sends one buffer (a message or a whole batch) to the kernel in one datagram.
  virtual Status send(const Bytes& messages) = 0;
  // The replies the kernel has queued, waiting at most timeout_ms for the first; empty when
  // none came in time. nf_tables answers while the send is processed, so replies to a batch
  // are all queued by the time send() returns.
  virtual Result<Bytes> receive(int timeout_ms) = 0;
};

// The real socket, opened on first use in the caller's network namespace.
class KernelNetlinkChannel : public NetlinkChannel {
 public:
  KernelNetlinkChannel() = default;
  ~KernelNetlinkChannel() override;
  KernelNetlinkChannel(const KernelNetlinkChannel&) = delete;
  KernelNetlinkChannel& operator=(const KernelNetlinkChannel&) = delete;

  Status send(const Bytes& messages) override;
  Result<Bytes> receive(int timeout_ms) override;

 private:
  Status open();
  int fd_ = -1;
};

}  // namespace taupage
