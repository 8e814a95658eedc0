/// DNS messages (RFC 1035) for A and AAAA lookups: building a query and reading a response. The
/// response comes from the network and is untrusted: every read is bounds-checked, compression
/// pointers may only point backwards, and names are limited to 255 bytes (fuzzed: dns_fuzz).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/ip_address.h"
#include "util/result.h"

namespace taupage {

enum class DnsType : uint16_t { A = 1, CNAME = 5, AAAA = 28 };

enum DnsRcode : int { kDnsNoError = 0, kDnsFormErr = 1, kDnsServFail = 2, kDnsNxDomain = 3, kDnsRefused = 5 };

// A name as it may be asked about: letters, digits, '-' and '_' in labels of 1 to 63 bytes,
// at most 253 bytes in all; one trailing dot allowed. Lower-cased, without the dot.
Result<std::string> normalize_dns_name(std::string_view name);

// A query for one name and type, recursion desired, no EDNS (answers over 512 bytes come back
// truncated and are asked again over TCP).
Result<std::string> encode_dns_query(uint16_t id, std::string_view name, DnsType type);

struct DnsAnswer {
  uint16_t id = 0;
  int rcode = 0;
  bool truncated = false;
  std::vector<IpAddress> addresses;  // of the asked type, for the name or its CNAME chain
};

// Reads a response to the query (id, name, type); a message that is not that response (another
// id, another question, not a response) is an error, as is any malformed part.
Result<DnsAnswer> decode_dns_response(std::string_view message, uint16_t id, std::string_view name, DnsType type);

// The id of a message, or -1 when it is shorter than a header.
int dns_message_id(std::string_view message);

}  // namespace taupage
