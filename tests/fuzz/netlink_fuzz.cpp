// libFuzzer target for the nf_tables reply reader: the input, split into datagrams at the
// segment mark, plays the kernel answering a table lookup and a whole ruleset batch. Sequence
// numbers below 256 in a reply are rewritten to the n-th one sent (the real ones depend on the
// time), so that inputs can acknowledge, refuse and repeat the messages Taupage sent.
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "firewall/netfilter.h"
#include "firewall/ruleset.h"
#include "fuzz/fuzz_input.h"

namespace {

using taupage::Bytes;

// Calls f(offset of an nlmsghdr) for each message in a buffer, by the lengths the headers claim.
template <typename F>
void each_header(const Bytes& bytes, F f) {
  size_t offset = 0;
  while (offset + sizeof(nlmsghdr) <= bytes.size()) {
    nlmsghdr header;
    std::memcpy(&header, bytes.data() + offset, sizeof header);
    f(offset);
    // Past the buffer's end, or NLMSG_ALIGN would wrap (a length near 2^32) and never move on.
    if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > bytes.size() - offset) break;
    offset += NLMSG_ALIGN(header.nlmsg_len);
  }
}

class KernelPlayer : public taupage::NetlinkChannel {
 public:
  explicit KernelPlayer(std::vector<std::string_view> datagrams) : datagrams_(std::move(datagrams)) {}

  taupage::Status send(const Bytes& messages) override {
    each_header(messages, [&](size_t offset) {
      nlmsghdr header;
      std::memcpy(&header, messages.data() + offset, sizeof header);
      sent_.push_back(header.nlmsg_seq);
    });
    return taupage::Status::Ok();
  }

  taupage::Result<Bytes> receive(int) override {
    if (next_ >= datagrams_.size()) return Bytes{};  // nothing more queued
    std::string_view datagram = datagrams_[next_++];
    Bytes bytes(datagram.begin(), datagram.end());
    if (!sent_.empty()) {
      each_header(bytes, [&](size_t offset) {
        uint32_t seq;
        std::memcpy(&seq, bytes.data() + offset + offsetof(nlmsghdr, nlmsg_seq), sizeof seq);
        if (seq < 256) seq = sent_[seq % sent_.size()];
        std::memcpy(bytes.data() + offset + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
      });
    }
    return bytes;
  }

 private:
  std::vector<std::string_view> datagrams_;
  size_t next_ = 0;
  std::vector<uint32_t> sent_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto datagrams = taupage::fuzz::split_segments(input);
  {
    KernelPlayer kernel(datagrams);
    auto exists = taupage::inet_table_exists(kernel, "taupage");
    if (!exists && exists.error().message().empty()) __builtin_trap();
  }
  {
    // Two rules keep the batch (and its encoding, which is most of an execution) small; the
    // reader does not care how many messages it acknowledges.
    static const taupage::Ruleset ruleset = [] {
      taupage::Ruleset r;
      r.rules = {taupage::loopback_rule(), taupage::port_rule(taupage::Protocol::Tcp, 22, "ssh_ports: 22", "line 3")};
      return r;
    }();
    KernelPlayer kernel(datagrams);
    auto applied = taupage::apply_ruleset(kernel, ruleset);
    if (!applied && applied.error().message().empty()) __builtin_trap();
  }
  return 0;
}
