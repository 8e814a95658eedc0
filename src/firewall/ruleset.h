/// The firewall Taupage writes: table `inet taupage` with one
/// input chain (policy drop) that lets in replies, loopback, the ICMP a host needs, DHCP client
/// replies, SSH on `ssh_ports` and the host ports of `ports`. Each rule knows its nft text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "firewall/expression.h"
#include "net/transport_protocol.h"

namespace taupage {

struct Rule {
  std::string text;     // nft syntax, e.g. "tcp dport 22 accept"
  std::string comment;  // what nft shows after `comment`: the config key, or "built-in: ..."
  std::string source;   // where it comes from in the user data ("line 31"), empty for built-ins
  std::vector<Expression> expressions;

  // "tcp dport 22 accept comment \"ssh_ports: 22\"", as `nft list ruleset` prints the rule.
  std::string nft_line() const;
};

struct Ruleset {
  std::string table = "taupage";  // in family inet: IPv4 and IPv6 alike
  std::string chain = "input";
  std::vector<Rule> rules;

  // The whole table in the layout of `nft list ruleset`.
  std::string nft_text() const;
};

// The built-in rules alone (replies, loopback, ICMP, DHCP): every port closed.
Ruleset builtin_ruleset();

// The kinds of rule, each encoded as nft encodes the same statement.
Rule conntrack_rule(uint32_t state_bits, uint32_t verdict_code, std::string text, std::string comment);
Rule loopback_rule();
Rule icmp_rule(bool ipv6, uint8_t type, const std::string& type_name, std::string comment);
Rule udp_reply_rule(uint16_t source_port, uint16_t destination_port, std::string comment);
Rule port_rule(Protocol protocol, uint16_t port, std::string comment, std::string source);

}  // namespace taupage
