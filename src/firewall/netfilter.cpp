#include "firewall/netfilter.h"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstring>
#include <ctime>
#include <vector>

#include "firewall/batch.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

constexpr int kReplyTimeoutMs = 5000;

struct Acknowledgement {
  uint32_t seq = 0;
  int error = 0;            // 0, or a positive errno
  std::string kernel_text;  // the extended ack message, when the kernel gave one
};

struct Replies {
  std::vector<Acknowledgement> acks;
  std::vector<uint16_t> data_types;  // types of the other messages (GETTABLE answers)
};

// The extended-ack text after an error, if the kernel attached one.
std::string extended_ack_text(const nlmsghdr* header, const nlmsgerr* err) {
  if (!(header->nlmsg_flags & NLM_F_ACK_TLVS)) return "";
  size_t offset = NLMSG_HDRLEN + sizeof(nlmsgerr);
  if (!(header->nlmsg_flags & NLM_F_CAPPED)) offset += err->msg.nlmsg_len - sizeof(nlmsghdr);
  const auto* base = reinterpret_cast<const uint8_t*>(header);
  while (offset + NLA_HDRLEN <= header->nlmsg_len) {
    nlattr attribute;
    std::memcpy(&attribute, base + offset, sizeof attribute);
    if (attribute.nla_len < NLA_HDRLEN || offset + attribute.nla_len > header->nlmsg_len) break;
    if ((attribute.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      const char* text = reinterpret_cast<const char*>(base + offset + NLA_HDRLEN);
      return std::string(text, strnlen(text, attribute.nla_len - NLA_HDRLEN));
    }
    offset += NLA_ALIGN(attribute.nla_len);
  }
  return "";
}

Status parse_replies(const Bytes& bytes, Replies& replies) {
  size_t offset = 0;
  while (offset + NLMSG_HDRLEN <= bytes.size()) {
    nlmsghdr header;
    std::memcpy(&header, bytes.data() + offset, sizeof header);
    if (header.nlmsg_len < NLMSG_HDRLEN || offset + header.nlmsg_len > bytes.size()) {
      return Error(strfmt("a malformed reply from nf_tables (length %u at offset %zu)", header.nlmsg_len, offset));
    }
    if (header.nlmsg_type == NLMSG_ERROR) {
      if (header.nlmsg_len < NLMSG_HDRLEN + sizeof(nlmsgerr)) return Error("a truncated acknowledgement from nf_tables");
      // Aligned copy of the whole message, so that the structures can be read in place.
      std::vector<uint32_t> aligned((header.nlmsg_len + 3) / 4);
      std::memcpy(aligned.data(), bytes.data() + offset, header.nlmsg_len);
      const auto* h = reinterpret_cast<const nlmsghdr*>(aligned.data());
      const auto* err = reinterpret_cast<const nlmsgerr*>(reinterpret_cast<const uint8_t*>(h) + NLMSG_HDRLEN);
      // The kernel sends 0 or a negative errno. Anything else is no errno and counts as a protocol
      // error; negating it could also overflow (INT_MIN, found by the netlink fuzz target).
      int error = err->error == 0 ? 0 : (err->error < 0 && err->error >= -4095) ? -err->error : EPROTO;
      replies.acks.push_back({header.nlmsg_seq, error, error ? extended_ack_text(h, err) : ""});
    } else if (header.nlmsg_type != NLMSG_DONE && header.nlmsg_type != NLMSG_NOOP) {
      replies.data_types.push_back(header.nlmsg_type);
    }
    offset += NLMSG_ALIGN(header.nlmsg_len);
  }
  return {};
}

// Reads replies until every expected sequence number was acknowledged, or an error came (the
// rest is then already queued or never comes), or the deadline passed.
Result<Replies> collect(NetlinkChannel& channel, std::vector<uint32_t> expected) {
  Replies replies;
  bool failed = false;
  int waits = 0;
  while (!expected.empty()) {
    auto bytes = channel.receive(failed ? 0 : kReplyTimeoutMs);
    if (!bytes) return bytes.error();
    if (bytes->empty()) {
      if (failed) break;
      return Error(strfmt("nf_tables did not acknowledge %zu messages within %d ms", expected.size(), kReplyTimeoutMs));
    }
    size_t before = replies.acks.size();
    if (auto parsed = parse_replies(*bytes, replies); !parsed) return parsed.error();
    for (size_t i = before; i < replies.acks.size(); ++i) {
      // A reply to something we did not send in this exchange (a stale one) counts for nothing.
      if (std::erase(expected, replies.acks[i].seq) == 0) {
        replies.acks[i].error = 0;
        continue;
      }
      failed = failed || replies.acks[i].error != 0;
    }
    if (++waits > 100000) return Error("nf_tables kept sending replies that acknowledge nothing we sent");
  }
  return replies;
}

// Each exchange gets its own range of sequence numbers, so a late reply to an earlier one can
// never be taken for an answer to the current one.
uint32_t first_sequence_number() {
  static uint32_t next = static_cast<uint32_t>(::time(nullptr));
  next += 0x10000;
  return next;
}

}  // namespace

Result<bool> inet_table_exists(NetlinkChannel& channel, const std::string& table) {
  uint32_t seq = first_sequence_number();
  if (auto sent = channel.send(encode_get_table(table, seq)); !sent) return Error(sent.error()).wrap("look up table inet " + table);
  auto replies = collect(channel, {seq});
  if (!replies) return Error(replies.error()).wrap("look up table inet " + table);
  for (const auto& ack : replies->acks) {
    if (ack.seq != seq) continue;
    if (ack.error == ENOENT) return false;
    if (ack.error != 0) return Error(errno_text(ack.error)).wrap("look up table inet " + table);
  }
  for (uint16_t type : replies->data_types) {
    if (type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE)) return true;
  }
  return false;
}

Status apply_ruleset(NetlinkChannel& channel, const Ruleset& ruleset) {
  Batch batch = encode_replace_batch(ruleset, first_sequence_number());
  if (auto sent = channel.send(batch.bytes); !sent) return sent;
  std::vector<uint32_t> expected;
  for (const auto& entry : batch.acknowledged) expected.push_back(entry.seq);
  auto replies = collect(channel, expected);
  if (!replies) return replies.error();
  for (const auto& ack : replies->acks) {
    if (ack.error == 0) continue;
    std::string reason = errno_text(ack.error);
    if (!ack.kernel_text.empty()) reason += " (" + ack.kernel_text + ")";
    return Error(strfmt("nf_tables refused %s: %s; the whole batch was rolled back and the ruleset in place before is unchanged",
                        batch.describe(ack.seq).c_str(), reason.c_str()));
  }
  return {};
}

}  // namespace taupage
