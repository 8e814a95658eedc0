#include "support/fake_netfilter_kernel.h"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstring>
#include <string>

namespace taupage {
namespace {

void append_ack(Bytes& out, const nlmsghdr& request, int error) {
  nlmsghdr header{};
  header.nlmsg_len = NLMSG_HDRLEN + sizeof(nlmsgerr);
  header.nlmsg_type = NLMSG_ERROR;
  header.nlmsg_flags = NLM_F_CAPPED;
  header.nlmsg_seq = request.nlmsg_seq;
  nlmsgerr err{};
  err.error = -error;
  err.msg = request;
  size_t at = out.size();
  out.resize(at + header.nlmsg_len);
  std::memcpy(out.data() + at, &header, sizeof header);
  std::memcpy(out.data() + at + NLMSG_HDRLEN, &err, sizeof err);
}

// The NUL-terminated string of the first attribute of `type` after the nfgenmsg.
std::string string_attribute(const Bytes& message, uint16_t type) {
  size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg));
  while (offset + NLA_HDRLEN <= message.size()) {
    nlattr a;
    std::memcpy(&a, message.data() + offset, sizeof a);
    if (a.nla_len < NLA_HDRLEN) break;
    if (a.nla_type == type) return std::string(reinterpret_cast<const char*>(message.data() + offset + NLA_HDRLEN));
    offset += NLA_ALIGN(a.nla_len);
  }
  return "";
}

}  // namespace

Status FakeNetfilterKernel::send(const Bytes& messages) {
  std::vector<SentMessage> split;
  size_t offset = 0;
  while (offset + NLMSG_HDRLEN <= messages.size()) {
    nlmsghdr h;
    std::memcpy(&h, messages.data() + offset, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || offset + h.nlmsg_len > messages.size()) return Error("fake kernel: malformed message");
    split.push_back({h.nlmsg_type, h.nlmsg_flags, h.nlmsg_seq, Bytes(messages.begin() + offset, messages.begin() + offset + h.nlmsg_len)});
    offset += NLMSG_ALIGN(h.nlmsg_len);
  }
  sends.push_back(split);
  if (!answer) return {};
  size_t index = 0;
  for (const auto& m : split) {
    if (!(m.flags & NLM_F_ACK)) continue;
    nlmsghdr h;
    std::memcpy(&h, m.bytes.data(), sizeof h);
    int error = fail_index && *fail_index == index ? fail_errno : 0;
    if (m.type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE)) {
      std::string name = string_attribute(m.bytes, NFTA_TABLE_NAME);
      if (!tables.count(name)) {
        error = 2;  // ENOENT
      } else {
        // The table itself comes first, as a NEWTABLE message, then the ack.
        nlmsghdr reply{};
        reply.nlmsg_len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg));
        reply.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE;
        reply.nlmsg_seq = h.nlmsg_seq;
        size_t at = queued_.size();
        queued_.resize(at + reply.nlmsg_len);
        std::memcpy(queued_.data() + at, &reply, sizeof reply);
      }
    }
    append_ack(queued_, h, error);
    ++index;
  }
  return {};
}

Result<Bytes> FakeNetfilterKernel::receive(int /*timeout_ms*/) {
  Bytes out;
  out.swap(queued_);
  return out;
}

}  // namespace taupage
