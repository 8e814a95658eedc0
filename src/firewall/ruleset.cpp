#include "firewall/ruleset.h"

#include <linux/in6.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>

#include "util/strings.h"

namespace taupage {
namespace {

Bytes be16(uint16_t value) { return {static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value & 0xff)}; }

// Registers hold host-order values for meta and ct keys (nft compares them that way).
Bytes host32(uint32_t value) {
  Bytes out(sizeof value);
  std::memcpy(out.data(), &value, sizeof value);
  return out;
}

}  // namespace

std::string Rule::nft_line() const {
  std::string line = text;
  if (!comment.empty()) line += " comment \"" + comment + "\"";
  return line;
}

std::string Ruleset::nft_text() const {
  std::string out = "table inet " + table + " {\n\tchain " + chain + " {\n";
  out += "\t\ttype filter hook input priority filter; policy drop;\n";
  for (const auto& rule : rules) out += "\t\t" + rule.nft_line() + "\n";
  out += "\t}\n}\n";
  return out;
}

Rule conntrack_rule(uint32_t state_bits, uint32_t verdict_code, std::string text, std::string comment) {
  Rule rule{std::move(text), std::move(comment), "", {}};
  rule.expressions = {ct_load(NFT_CT_STATE), bitwise(host32(state_bits), host32(0)), cmp(NFT_CMP_NEQ, host32(0)), verdict(verdict_code)};
  return rule;
}

Rule loopback_rule() {
  // lo is interface 1 in every network namespace, so matching its index is exact and cheap.
  Rule rule{"iif \"lo\" accept", "built-in: loopback", "", {}};
  rule.expressions = {meta_load(NFT_META_IIF), cmp(NFT_CMP_EQ, host32(1)), verdict(NF_ACCEPT)};
  return rule;
}

Rule icmp_rule(bool ipv6, uint8_t type, const std::string& type_name, std::string comment) {
  Rule rule{strfmt("%s type %s accept", ipv6 ? "icmpv6" : "icmp", type_name.c_str()), std::move(comment), "", {}};
  uint8_t family = ipv6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
  uint8_t protocol = ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
  rule.expressions = {meta_load(NFT_META_NFPROTO),
                      cmp(NFT_CMP_EQ, {family}),
                      meta_load(NFT_META_L4PROTO),
                      cmp(NFT_CMP_EQ, {protocol}),
                      payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1),
                      cmp(NFT_CMP_EQ, {type}),
                      verdict(NF_ACCEPT)};
  return rule;
}

Rule udp_reply_rule(uint16_t source_port, uint16_t destination_port, std::string comment) {
  Rule rule{strfmt("udp sport %u udp dport %u accept", source_port, destination_port), std::move(comment), "", {}};
  // nft loads both adjacent ports with one 4-byte load; so do we.
  Bytes ports = be16(source_port);
  Bytes destination = be16(destination_port);
  ports.insert(ports.end(), destination.begin(), destination.end());
  rule.expressions = {meta_load(NFT_META_L4PROTO), cmp(NFT_CMP_EQ, {IPPROTO_UDP}), payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4),
                      cmp(NFT_CMP_EQ, ports), verdict(NF_ACCEPT)};
  return rule;
}

Rule port_rule(Protocol protocol, uint16_t port, std::string comment, std::string source) {
  Rule rule{strfmt("%s dport %u accept", protocol_name(protocol), port), std::move(comment), std::move(source), {}};
  uint8_t l4 = protocol == Protocol::Tcp ? IPPROTO_TCP : IPPROTO_UDP;
  rule.expressions = {meta_load(NFT_META_L4PROTO), cmp(NFT_CMP_EQ, {l4}), payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2),
                      cmp(NFT_CMP_EQ, be16(port)), verdict(NF_ACCEPT)};
  return rule;
}

Ruleset builtin_ruleset() {
  Ruleset set;
  auto& r = set.rules;
  r.push_back(conntrack_rule(NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), NF_ACCEPT,
                             "ct state established,related accept", "built-in: replies to connections"));
  r.push_back(conntrack_rule(NF_CT_STATE_INVALID_BIT, NF_DROP, "ct state invalid drop", "built-in: invalid packets"));
  r.push_back(loopback_rule());
  // ICMP errors that belong to a connection are "related" already; these also let in the ones
  // that do not (path MTU discovery for other hosts' flows) and answer pings.
  const struct {
    uint8_t type;
    const char* name;
  } icmp4[] = {{8, "echo-request"}, {3, "destination-unreachable"}, {11, "time-exceeded"}, {12, "parameter-problem"}};
  for (const auto& t : icmp4) r.push_back(icmp_rule(false, t.type, t.name, "built-in: ICMP"));
  const struct {
    uint8_t type;
    const char* name;
    const char* comment;
  } icmp6[] = {{128, "echo-request", "built-in: ICMPv6"},
               {1, "destination-unreachable", "built-in: ICMPv6"},
               {2, "packet-too-big", "built-in: ICMPv6"},
               {3, "time-exceeded", "built-in: ICMPv6"},
               {4, "parameter-problem", "built-in: ICMPv6"},
               {134, "nd-router-advert", "built-in: IPv6 router advertisements"},
               {135, "nd-neighbor-solicit", "built-in: IPv6 neighbour discovery"},
               {136, "nd-neighbor-advert", "built-in: IPv6 neighbour discovery"}};
  for (const auto& t : icmp6) r.push_back(icmp_rule(true, t.type, t.name, t.comment));
  // A DHCP server answers to the client port from its own, which conntrack does not relate to
  // the broadcast the client sent: without these, leases would not renew.
  r.push_back(udp_reply_rule(67, 68, "built-in: DHCPv4 client"));
  r.push_back(udp_reply_rule(547, 546, "built-in: DHCPv6 client"));
  return set;
}

}  // namespace taupage
