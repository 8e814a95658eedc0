#include "net/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace taupage {

IpAddress IpAddress::v4_from(const uint8_t (&octets)[4]) {
  IpAddress address;
  std::memcpy(address.bytes.data(), octets, 4);
  return address;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buffer[46];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  if (text.find(':') != std::string_view::npos) {
    if (::inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
    address.v6 = true;
    return address;
  }
  if (::inet_pton(AF_INET, buffer, address.bytes.data()) != 1) return std::nullopt;
  return address;
}

std::string IpAddress::text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buffer, sizeof buffer);
  return buffer;
}

}  // namespace taupage
