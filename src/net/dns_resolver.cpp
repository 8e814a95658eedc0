#include "net/dns_resolver.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/dns_message.h"
#include "net/socket.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

namespace {

constexpr size_t kMaxFileBytes = 1024 * 1024;

uint16_t random_id() {
  uint16_t id = 0;
  if (::getrandom(&id, sizeof id, GRND_NONBLOCK) != sizeof id) id = static_cast<uint16_t>(Deadline::now_ms() * 2654435761u);
  return id;
}

std::string server_text(const DnsServer& server) { return address_text(server.address, server.port); }

// What one server said about one type.
struct TypeOutcome {
  bool answered = false;
  int rcode = 0;
  std::vector<IpAddress> addresses;
};

Result<DnsAnswer> query_over_tcp(const DnsServer& server, const std::string& name, DnsType type, const Deadline& deadline) {
  auto socket = Socket::connect_tcp(server.address, server.port, deadline);
  if (!socket) return std::move(socket).error();
  uint16_t id = random_id();
  auto query = encode_dns_query(id, name, type);
  if (!query) return std::move(query).error();
  std::string framed;
  framed += static_cast<char>(query->size() >> 8);
  framed += static_cast<char>(query->size() & 0xFF);
  framed += *query;
  Status sent = (*socket)->write_all(framed, deadline);
  if (!sent) return std::move(sent).error();
  std::string data;
  char buffer[4096];
  size_t wanted = 2;
  while (data.size() < wanted) {
    auto n = (*socket)->read_some(buffer, sizeof buffer, deadline);
    if (!n) return std::move(n).error();
    if (*n == 0) return Error("connection closed in the DNS response");
    data.append(buffer, *n);
    if (wanted == 2 && data.size() >= 2) {
      wanted = 2 + ((static_cast<uint8_t>(data[0]) << 8) | static_cast<uint8_t>(data[1]));
    }
  }
  if (data.size() != wanted) return Error("trailing bytes after the DNS response");
  return decode_dns_response(std::string_view(data).substr(2), id, name, type);
}

// Asks one server for A and AAAA at once over UDP; a truncated answer is asked again over TCP.
Result<std::vector<TypeOutcome>> query_server(const DnsServer& server, const std::string& name, const Deadline& deadline) {
  int fd = ::socket(server.address.v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error("socket: " + errno_text(errno));
  Socket owner(fd);
  // A connected UDP socket receives only from that server, and learns of ICMP refusals.
  int rc;
  if (server.address.v6) {
    sockaddr_in6 target{};
    target.sin6_family = AF_INET6;
    target.sin6_port = htons(server.port);
    std::memcpy(&target.sin6_addr, server.address.bytes.data(), 16);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target);
  } else {
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(server.port);
    std::memcpy(&target.sin_addr, server.address.bytes.data(), 4);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target);
  }
  if (rc != 0) return Error("connect: " + errno_text(errno));
  const DnsType types[2] = {DnsType::A, DnsType::AAAA};
  uint16_t ids[2] = {random_id(), 0};
  do ids[1] = random_id();
  while (ids[1] == ids[0]);
  for (int i = 0; i < 2; ++i) {
    auto query = encode_dns_query(ids[i], name, types[i]);
    if (!query) return std::move(query).error();
    if (::send(fd, query->data(), query->size(), 0) < 0) return Error("send: " + errno_text(errno));
  }
  std::vector<TypeOutcome> outcomes(2);
  int open = 2;
  char buffer[1500];
  while (open > 0) {
    Status ready = wait_for_fd(fd, POLLIN, deadline);
    if (!ready) break;  // what arrived so far is judged by the caller
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Error(errno == ECONNREFUSED ? "refused (nothing listens there)" : "receive: " + errno_text(errno));
    }
    std::string_view message(buffer, static_cast<size_t>(n));
    int id = dns_message_id(message);
    for (int i = 0; i < 2; ++i) {
      if (outcomes[i].answered || id != ids[i]) continue;
      auto answer = decode_dns_response(message, ids[i], name, types[i]);
      if (!answer) break;  // not our answer (spoofed or malformed): keep waiting for the real one
      if (answer->truncated) {
        answer = query_over_tcp(server, name, types[i], deadline);
        if (!answer) return std::move(answer).error().wrap("over TCP after a truncated answer");
        if (answer->truncated) return Error("truncated answer over TCP");
      }
      outcomes[i].answered = true;
      outcomes[i].rcode = answer->rcode;
      outcomes[i].addresses = std::move(answer->addresses);
      --open;
    }
  }
  return outcomes;
}

std::string rcode_text(int rcode) {
  switch (rcode) {
    case kDnsFormErr: return "FORMERR";
    case kDnsServFail: return "SERVFAIL";
    case kDnsNxDomain: return "NXDOMAIN";
    case kDnsRefused: return "REFUSED";
    default: return strfmt("rcode %d", rcode);
  }
}

}  // namespace

DnsResolver::DnsResolver(std::vector<DnsServer> servers, std::vector<HostsEntry> hosts, int timeout_ms, int attempts)
    : servers_(std::move(servers)), hosts_(std::move(hosts)), timeout_ms_(timeout_ms), attempts_(attempts) {}

std::unique_ptr<DnsResolver> DnsResolver::from_system(const std::string& root) { return from_files("", root); }

std::unique_ptr<DnsResolver> DnsResolver::from_files(const std::string& own_prefix, const std::string& root) {
  std::vector<std::string> prefixes = {own_prefix};
  if (!root.empty() && root != "/") prefixes.push_back(root);
  std::vector<HostsEntry> hosts;
  for (const std::string& prefix : prefixes) {
    auto hosts_text = read_file(prefix + "/etc/hosts", kMaxFileBytes);
    if (hosts_text) {
      std::vector<HostsEntry> more = parse_hosts(*hosts_text);
      hosts.insert(hosts.end(), more.begin(), more.end());
    }
  }
  NameserverSources sources = nameserver_sources(own_prefix, root);
  std::vector<DnsServer> servers;
  std::vector<std::string> listed;
  for (const auto& server : sources.servers) {
    servers.push_back({server.address, 53, server.source});
    listed.push_back(server.address.text() + " (" + server.source + ")");
  }
  Log::debug("dns: nameservers in order: " + join(listed, ", "));
  return std::make_unique<DnsResolver>(std::move(servers), std::move(hosts), sources.timeout_ms, sources.attempts);
}

Result<std::vector<IpAddress>> DnsResolver::resolve(const std::string& host, const Deadline& deadline) {
  if (auto literal = IpAddress::parse(host)) return std::vector<IpAddress>{*literal};
  std::string what = "resolve " + host;
  auto name = normalize_dns_name(host);
  if (!name) return std::move(name).error().wrap(what);
  std::vector<IpAddress> listed = lookup_hosts(hosts_, *name);
  if (!listed.empty()) return listed;
  if (*name == "localhost") return std::vector<IpAddress>{*IpAddress::parse("127.0.0.1"), *IpAddress::parse("::1")};
  if (servers_.empty()) return Error("no nameserver configured").wrap(what);
  std::string last = "no answer";
  for (int attempt = 0; attempt < attempts_; ++attempt) {
    for (const DnsServer& server : servers_) {
      if (deadline.expired()) return Error(last + "; out of time").wrap(what);
      auto outcomes = query_server(server, *name, deadline.capped_ms(timeout_ms_));
      if (!outcomes) {
        last = server_text(server) + ": " + outcomes.error().message();
        continue;
      }
      const TypeOutcome& a = (*outcomes)[0];
      const TypeOutcome& aaaa = (*outcomes)[1];
      if ((a.answered && a.rcode == kDnsNxDomain) || (aaaa.answered && aaaa.rcode == kDnsNxDomain)) {
        return Error("no such host (NXDOMAIN from " + server_text(server) + ")").wrap(what);
      }
      std::vector<IpAddress> addresses;
      for (const TypeOutcome* outcome : {&a, &aaaa}) {
        if (outcome->answered && outcome->rcode == kDnsNoError) {
          addresses.insert(addresses.end(), outcome->addresses.begin(), outcome->addresses.end());
        }
      }
      if (!addresses.empty()) {
        int index = static_cast<int>(&server - servers_.data());
        if (index != last_answered_) {
          last_answered_ = index;
          Log::info(strfmt("dns: %s answered for %s; its source: %s", server_text(server).c_str(), name->c_str(),
                           server.source.empty() ? "given by the caller" : server.source.c_str()));
        }
        return addresses;
      }
      bool both_empty = a.answered && aaaa.answered && a.rcode == kDnsNoError && aaaa.rcode == kDnsNoError;
      if (both_empty) return Error("no A or AAAA record (from " + server_text(server) + ")").wrap(what);
      if (a.answered && a.rcode != kDnsNoError)
        last = server_text(server) + ": " + rcode_text(a.rcode);
      else if (aaaa.answered && aaaa.rcode != kDnsNoError)
        last = server_text(server) + ": " + rcode_text(aaaa.rcode);
      else
        last = strfmt("%s: no answer within %d ms", server_text(server).c_str(), timeout_ms_);
    }
  }
  return Error(strfmt("%s (after %d rounds over %zu nameservers)", last.c_str(), attempts_, servers_.size())).wrap(what);
}

}  // namespace taupage
