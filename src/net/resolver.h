/// The name-resolution interface the HTTP client connects through: the real one is DnsResolver
/// (our own DNS client, no getaddrinfo); tests may give a fixed table.
#pragma once

#include <string>
#include <vector>

#include "net/deadline.h"
#include "net/ip_address.h"
#include "util/result.h"

namespace taupage {

class Resolver {
 public:
  virtual ~Resolver() = default;
  // The addresses of `host`, IPv4 before IPv6. An IP literal comes back as it is, unqueried.
  virtual Result<std::vector<IpAddress>> resolve(const std::string& host, const Deadline& deadline) = 0;
};

}  // namespace taupage
