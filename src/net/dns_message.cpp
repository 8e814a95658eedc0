#include "net/dns_message.h"

#include <cctype>
#include <cstring>

#include "util/strings.h"

namespace taupage {

namespace {

constexpr size_t kHeaderSize = 12;
constexpr size_t kMaxName = 255;
constexpr int kMaxCnameHops = 8;

// A bounds-checked reader over a DNS message.
class DnsReader {
 public:
  explicit DnsReader(std::string_view message) : message_(message) {}

  bool u8(uint8_t& out) {
    if (pos_ + 1 > message_.size()) return false;
    out = static_cast<uint8_t>(message_[pos_++]);
    return true;
  }
  bool u16(uint16_t& out) {
    if (pos_ + 2 > message_.size()) return false;
    out = static_cast<uint16_t>((static_cast<uint8_t>(message_[pos_]) << 8) | static_cast<uint8_t>(message_[pos_ + 1]));
    pos_ += 2;
    return true;
  }
  bool skip(size_t n) {
    if (n > message_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }
  std::string_view bytes(size_t at, size_t n) const { return message_.substr(at, n); }

  // A possibly compressed name, lower-cased, labels joined with '.'. A pointer must point before
  // the label that holds it, so following pointers always ends.
  bool name(std::string& out) {
    out.clear();
    size_t at = pos_;
    bool jumped = false;
    size_t length = 0;
    while (true) {
      if (at >= message_.size()) return false;
      uint8_t label = static_cast<uint8_t>(message_[at]);
      if ((label & 0xC0) == 0xC0) {
        if (at + 1 >= message_.size()) return false;
        size_t target = (static_cast<size_t>(label & 0x3F) << 8) | static_cast<uint8_t>(message_[at + 1]);
        if (target >= at) return false;
        if (!jumped) pos_ = at + 2;
        jumped = true;
        at = target;
        continue;
      }
      if ((label & 0xC0) != 0) return false;  // the 0x40 and 0x80 label types are not in use
      if (label == 0) {
        if (!jumped) pos_ = at + 1;
        return true;
      }
      if (at + 1 + label > message_.size()) return false;
      length += label + 1;
      if (length > kMaxName) return false;
      if (!out.empty()) out += '.';
      for (size_t i = 0; i < label; ++i) out += static_cast<char>(std::tolower(static_cast<unsigned char>(message_[at + 1 + i])));
      at += 1 + label;
    }
  }

 private:
  std::string_view message_;
  size_t pos_ = 0;
};

void put_u16(std::string& out, uint16_t value) {
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value & 0xFF);
}

}  // namespace

Result<std::string> normalize_dns_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return Error("invalid host name " + quote(name));
  for (const std::string& label : split(name, '.')) {
    if (label.empty() || label.size() > 63) return Error("invalid host name " + quote(name));
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return Error("invalid host name " + quote(name));
    }
  }
  return to_lower(name);
}

Result<std::string> encode_dns_query(uint16_t id, std::string_view name, DnsType type) {
  auto normal = normalize_dns_name(name);
  if (!normal) return std::move(normal).error();
  std::string out;
  put_u16(out, id);
  put_u16(out, 0x0100);  // standard query, recursion desired
  put_u16(out, 1);       // one question
  put_u16(out, 0);
  put_u16(out, 0);
  put_u16(out, 0);
  for (const std::string& label : split(*normal, '.')) {
    out += static_cast<char>(label.size());
    out += label;
  }
  out += '\0';
  put_u16(out, static_cast<uint16_t>(type));
  put_u16(out, 1);  // class IN
  return out;
}

int dns_message_id(std::string_view message) {
  if (message.size() < kHeaderSize) return -1;
  return (static_cast<uint8_t>(message[0]) << 8) | static_cast<uint8_t>(message[1]);
}

Result<DnsAnswer> decode_dns_response(std::string_view message, uint16_t id, std::string_view name, DnsType type) {
  auto wanted = normalize_dns_name(name);
  if (!wanted) return std::move(wanted).error();
  DnsReader reader(message);
  uint16_t got_id, flags, questions, answers, authority, additional;
  if (!reader.u16(got_id) || !reader.u16(flags) || !reader.u16(questions) || !reader.u16(answers) || !reader.u16(authority) ||
      !reader.u16(additional)) {
    return Error("DNS response shorter than its header");
  }
  if (got_id != id) return Error("DNS response for another query");
  if (!(flags & 0x8000)) return Error("DNS message is not a response");
  if (((flags >> 11) & 0xF) != 0) return Error("DNS response to another kind of query");
  DnsAnswer answer;
  answer.id = got_id;
  answer.truncated = flags & 0x0200;
  answer.rcode = flags & 0xF;
  if (questions != 1) {
    // A truncated or refused answer may come without the question; anything else must echo it.
    if (questions == 0 && (answer.truncated || answer.rcode != kDnsNoError)) return answer;
    return Error("DNS response does not repeat the question");
  }
  std::string question;
  uint16_t qtype, qclass;
  if (!reader.name(question) || !reader.u16(qtype) || !reader.u16(qclass)) return Error("malformed DNS question");
  if (question != *wanted || qtype != static_cast<uint16_t>(type) || qclass != 1) return Error("DNS response to another question");
  if (answer.truncated || answer.rcode != kDnsNoError) return answer;

  // The answer section: the chain of CNAMEs from the name asked about, and the addresses at its end.
  std::string current = *wanted;
  struct Record {
    std::string owner;
    uint16_t type;
    std::string cname;
    IpAddress address;
  };
  std::vector<Record> records;
  for (uint16_t i = 0; i < answers; ++i) {
    Record record;
    uint16_t rclass, rdlength;
    uint16_t ttl_high, ttl_low;
    if (!reader.name(record.owner) || !reader.u16(record.type) || !reader.u16(rclass) || !reader.u16(ttl_high) || !reader.u16(ttl_low) ||
        !reader.u16(rdlength)) {
      return Error("malformed DNS answer record");
    }
    size_t data_at = reader.pos();
    if (!reader.skip(rdlength)) return Error("DNS answer record runs past the message");
    if (rclass != 1) continue;
    if (record.type == static_cast<uint16_t>(DnsType::A) && rdlength == 4) {
      std::memcpy(record.address.bytes.data(), reader.bytes(data_at, 4).data(), 4);
    } else if (record.type == static_cast<uint16_t>(DnsType::AAAA) && rdlength == 16) {
      record.address.v6 = true;
      std::memcpy(record.address.bytes.data(), reader.bytes(data_at, 16).data(), 16);
    } else if (record.type == static_cast<uint16_t>(DnsType::CNAME)) {
      DnsReader target(message);
      if (!target.skip(data_at) || !target.name(record.cname) || target.pos() != data_at + rdlength) {
        return Error("malformed DNS CNAME record");
      }
    } else if (record.type == static_cast<uint16_t>(DnsType::A) || record.type == static_cast<uint16_t>(DnsType::AAAA)) {
      return Error("DNS address record of the wrong length");
    } else {
      continue;
    }
    records.push_back(std::move(record));
  }
  for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
    std::string next;
    for (const Record& record : records) {
      if (record.owner != current) continue;
      if (record.type == static_cast<uint16_t>(type)) answer.addresses.push_back(record.address);
      if (record.type == static_cast<uint16_t>(DnsType::CNAME) && next.empty()) next = record.cname;
    }
    if (!answer.addresses.empty() || next.empty()) break;
    current = next;
  }
  return answer;
}

}  // namespace taupage
