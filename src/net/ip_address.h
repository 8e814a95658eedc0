/// An IPv4 or IPv6 address in binary form: what the resolver returns and what sockets connect to.
/// Parsing a literal here is how the client knows a host needs no DNS query at all.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taupage {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // the first 4 for IPv4

  static IpAddress v4_from(const uint8_t (&octets)[4]);
  // "10.0.0.2", "::1", "fe80::1"; brackets and zone ids are not accepted.
  static std::optional<IpAddress> parse(std::string_view text);
  std::string text() const;
  bool operator==(const IpAddress& other) const = default;
};

}  // namespace taupage
