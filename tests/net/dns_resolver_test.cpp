#include "net/dns_resolver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "net/socket.h"
#include "util/files.h"
#include "util/log.h"

namespace taupage {
namespace {

// What the fake server knows about one name.
struct Zone {
  std::vector<std::string> a;     // "10.0.0.1"
  std::vector<std::string> aaaa;  // "fd00::1"
  std::string cname;              // answer with this CNAME first, then the addresses under it
  int rcode = 0;
  bool truncate_udp = false;  // over UDP: TC bit and no answers
  bool silent = false;        // never answer
  bool spoof_first = false;   // send a reply with a wrong id before the real one
};

Zone zone_of(std::vector<std::string> a, std::vector<std::string> aaaa = {}) {
  Zone zone;
  zone.a = std::move(a);
  zone.aaaa = std::move(aaaa);
  return zone;
}

void put16(std::string& out, unsigned value) {
  out += static_cast<char>((value >> 8) & 0xFF);
  out += static_cast<char>(value & 0xFF);
}

// Encodes a name without compression.
std::string wire_name(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out += static_cast<char>(dot - start);
    out += name.substr(start, dot - start);
    start = dot + 1;
  }
  return out + '\0';
}

// A DNS server on 127.0.0.1, UDP and TCP on the same port, written independently of the code
// under test (by hand from RFC 1035), answering from a table of zones.
class FakeDnsServer {
 public:
  FakeDnsServer() {
    for (int tries = 0; tries < 20 && tcp_ < 0; ++tries) {
      udp_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ::bind(udp_, reinterpret_cast<sockaddr*>(&address), sizeof address);
      socklen_t length = sizeof address;
      ::getsockname(udp_, reinterpret_cast<sockaddr*>(&address), &length);
      port_ = ntohs(address.sin_port);
      int tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (::bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && ::listen(tcp, 8) == 0) {
        tcp_ = tcp;
      } else {
        ::close(tcp);
        ::close(udp_);
      }
    }
    if (::pipe2(wake_, O_CLOEXEC) != 0) abort();
    thread_ = std::thread([this] { run(); });
  }
  ~FakeDnsServer() {
    if (::write(wake_[1], "x", 1) < 0) abort();
    thread_.join();
    ::close(udp_);
    ::close(tcp_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  void add(const std::string& name, Zone zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    zones_[name] = std::move(zone);
  }
  DnsServer address() const { return {*IpAddress::parse("127.0.0.1"), port_, ""}; }
  int udp_queries() const { return udp_queries_; }
  int tcp_queries() const { return tcp_queries_; }

 private:
  // The answer to one query, or "" to stay silent.
  std::string answer(const std::string& query, bool over_udp) {
    if (query.size() < 17) return "";
    size_t at = 12;
    std::string name;
    while (at < query.size() && query[at] != 0) {
      size_t length = static_cast<uint8_t>(query[at]);
      if (!name.empty()) name += '.';
      name += query.substr(at + 1, length);
      at += 1 + length;
    }
    unsigned type = (static_cast<uint8_t>(query[at + 1]) << 8) | static_cast<uint8_t>(query[at + 2]);
    std::string question = query.substr(12, at + 5 - 12);
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = zones_.find(name);
    Zone zone;
    zone.rcode = 3;
    if (found != zones_.end()) zone = found->second;
    if (zone.silent) return "";
    std::string records;
    unsigned count = 0;
    std::string owner = name;
    if (!zone.cname.empty()) {
      records += "\xC0\x0C";
      put16(records, 5);
      put16(records, 1);
      put16(records, 0);
      put16(records, 60);
      std::string target = wire_name(zone.cname);
      put16(records, static_cast<unsigned>(target.size()));
      records += target;
      ++count;
      owner = zone.cname;
    }
    for (const std::string& text : type == 1 ? zone.a : zone.aaaa) {
      records += wire_name(owner);
      put16(records, type);
      put16(records, 1);
      put16(records, 0);
      put16(records, 300);
      unsigned char bytes[16];
      ::inet_pton(type == 1 ? AF_INET : AF_INET6, text.c_str(), bytes);
      put16(records, type == 1 ? 4 : 16);
      records.append(reinterpret_cast<char*>(bytes), type == 1 ? 4 : 16);
      ++count;
    }
    bool truncated = over_udp && zone.truncate_udp;
    std::string out = query.substr(0, 2);
    put16(out, 0x8180 | (truncated ? 0x0200 : 0) | static_cast<unsigned>(zone.rcode));
    put16(out, 1);
    put16(out, truncated ? 0 : count);
    put16(out, 0);
    put16(out, 0);
    out += question;
    if (!truncated) out += records;
    return out;
  }

  void run() {
    while (true) {
      pollfd fds[3] = {{wake_[0], POLLIN, 0}, {udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
      if (::poll(fds, 3, -1) < 0) continue;
      if (fds[0].revents) return;
      if (fds[1].revents) {
        char buffer[512];
        sockaddr_storage from{};
        socklen_t length = sizeof from;
        ssize_t n = ::recvfrom(udp_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
        if (n > 0) {
          ++udp_queries_;
          std::string query(buffer, static_cast<size_t>(n));
          std::string reply = answer(query, true);
          if (!reply.empty()) {
            bool spoof;
            {
              std::lock_guard<std::mutex> lock(mutex_);
              spoof = std::any_of(zones_.begin(), zones_.end(), [](const auto& z) { return z.second.spoof_first; });
            }
            if (spoof) {
              std::string fake = reply;
              fake[0] = static_cast<char>(fake[0] ^ 0x55);
              ::sendto(udp_, fake.data(), fake.size(), 0, reinterpret_cast<sockaddr*>(&from), length);
            }
            ::sendto(udp_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), length);
          }
        }
      }
      if (fds[2].revents) {
        int client = ::accept4(tcp_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        ++tcp_queries_;
        std::string data;
        char buffer[1024];
        while (data.size() < 2 || data.size() < 2u + ((static_cast<uint8_t>(data[0]) << 8) | static_cast<uint8_t>(data[1]))) {
          ssize_t n = ::read(client, buffer, sizeof buffer);
          if (n <= 0) break;
          data.append(buffer, static_cast<size_t>(n));
        }
        if (data.size() > 2) {
          std::string reply = answer(data.substr(2), false);
          std::string framed;
          put16(framed, static_cast<unsigned>(reply.size()));
          framed += reply;
          if (::write(client, framed.data(), framed.size()) < 0) {
          }
        }
        ::close(client);
      }
    }
  }

  int udp_ = -1;
  int tcp_ = -1;
  int wake_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, Zone> zones_;
  std::atomic<int> udp_queries_{0};
  std::atomic<int> tcp_queries_{0};
};

std::vector<std::string> texts(const std::vector<IpAddress>& addresses) {
  std::vector<std::string> out;
  for (const auto& address : addresses) out.push_back(address.text());
  return out;
}

using Texts = std::vector<std::string>;

TEST(DnsResolver, ResolvesAAndAaaaOverUdp) {
  FakeDnsServer server;
  server.add("kms.eu-central-1.amazonaws.com", zone_of({"10.0.0.1", "10.0.0.2"}, {"fd00::1"}));
  DnsResolver resolver({server.address()}, {});
  auto addresses = resolver.resolve("KMS.eu-central-1.amazonaws.com.", Deadline::after_ms(3000));
  ASSERT_TRUE(addresses) << addresses.error().message();
  EXPECT_EQ(texts(*addresses), (Texts{"10.0.0.1", "10.0.0.2", "fd00::1"}));
  EXPECT_EQ(server.udp_queries(), 2);
  EXPECT_EQ(server.tcp_queries(), 0);
}

TEST(DnsResolver, FallsBackToTcpOnTruncation) {
  FakeDnsServer server;
  Zone zone = zone_of({"10.1.1.1"});
  zone.truncate_udp = true;
  server.add("big.example", zone);
  DnsResolver resolver({server.address()}, {});
  auto addresses = resolver.resolve("big.example", Deadline::after_ms(3000));
  ASSERT_TRUE(addresses) << addresses.error().message();
  EXPECT_EQ(texts(*addresses), (Texts{"10.1.1.1"}));
  EXPECT_EQ(server.tcp_queries(), 2);
}

TEST(DnsResolver, FollowsCnames) {
  FakeDnsServer server;
  Zone zone = zone_of({"10.2.2.2"});
  zone.cname = "target.example";
  server.add("alias.example", zone);
  DnsResolver resolver({server.address()}, {});
  auto addresses = resolver.resolve("alias.example", Deadline::after_ms(3000));
  ASSERT_TRUE(addresses) << addresses.error().message();
  EXPECT_EQ(texts(*addresses), (Texts{"10.2.2.2"}));
}

TEST(DnsResolver, NxdomainIsAnAnswer) {
  FakeDnsServer server;
  DnsResolver resolver({server.address()}, {});
  auto addresses = resolver.resolve("nope.example", Deadline::after_ms(3000));
  ASSERT_FALSE(addresses);
  EXPECT_NE(addresses.error().message().find("resolve nope.example: no such host (NXDOMAIN"), std::string::npos)
      << addresses.error().message();
}

TEST(DnsResolver, IgnoresRepliesWithAnotherId) {
  FakeDnsServer server;
  Zone zone = zone_of({"10.3.3.3"});
  zone.spoof_first = true;
  server.add("spoofed.example", zone);
  DnsResolver resolver({server.address()}, {});
  auto addresses = resolver.resolve("spoofed.example", Deadline::after_ms(3000));
  ASSERT_TRUE(addresses) << addresses.error().message();
  EXPECT_EQ(texts(*addresses), (Texts{"10.3.3.3"}));
}

TEST(DnsResolver, SilentServerTimesOutAfterBoundedRetries) {
  FakeDnsServer server;
  Zone zone;
  zone.silent = true;
  server.add("slow.example", zone);
  DnsResolver resolver({server.address()}, {}, 150, 2);
  auto addresses = resolver.resolve("slow.example", Deadline::after_ms(5000));
  ASSERT_FALSE(addresses);
  EXPECT_NE(addresses.error().message().find("no answer within 150 ms (after 2 rounds over 1 nameservers)"), std::string::npos)
      << addresses.error().message();
  EXPECT_EQ(server.udp_queries(), 4);  // A and AAAA, twice
}

TEST(DnsResolver, OverallDeadlineWins) {
  FakeDnsServer server;
  Zone zone;
  zone.silent = true;
  server.add("slow.example", zone);
  DnsResolver resolver({server.address()}, {}, 2000, 5);
  auto addresses = resolver.resolve("slow.example", Deadline::after_ms(200));
  ASSERT_FALSE(addresses);
  EXPECT_LE(server.udp_queries(), 2);
}

TEST(DnsResolver, MovesOnFromAServerThatRefuses) {
  FakeDnsServer server;
  server.add("next.example", zone_of({"10.4.4.4"}));
  // Nothing listens on UDP port 1: the kernel's ICMP refusal ends that query at once.
  DnsServer answering = server.address();
  answering.source = "DHCP answer in /run/net-ens5.conf";
  DnsResolver resolver({DnsServer{*IpAddress::parse("127.0.0.1"), 1, "/etc/resolv.conf"}, answering}, {}, 1000, 1);
  std::vector<std::string> lines;
  Log::set_sink([&](LogLevel, const std::string& line) { lines.push_back(line); });
  auto addresses = resolver.resolve("next.example", Deadline::after_ms(3000));
  auto again = resolver.resolve("next.example", Deadline::after_ms(3000));
  Log::set_sink({});
  ASSERT_TRUE(addresses) << addresses.error().message();
  EXPECT_EQ(texts(*addresses), (Texts{"10.4.4.4"}));
  ASSERT_TRUE(again);
  // One line names the server and source that answered; the same server again says nothing new.
  std::string expected = "dns: " + address_text(answering.address, answering.port) +
                         " answered for next.example; its source: DHCP answer in /run/net-ens5.conf";
  EXPECT_EQ(lines, (std::vector<std::string>{expected}));
}

TEST(DnsResolver, ServfailTriesTheNextServer) {
  FakeDnsServer failing;
  Zone zone;
  zone.rcode = 2;
  failing.add("x.example", zone);
  FakeDnsServer good;
  good.add("x.example", zone_of({"10.5.5.5"}));
  DnsResolver resolver({failing.address(), good.address()}, {}, 1000, 1);
  auto addresses = resolver.resolve("x.example", Deadline::after_ms(3000));
  ASSERT_TRUE(addresses) << addresses.error().message();
  EXPECT_EQ(texts(*addresses), (Texts{"10.5.5.5"}));
}

TEST(DnsResolver, HostsFileAndLiteralsAreNeverQueried) {
  FakeDnsServer server;
  DnsResolver resolver({server.address()}, parse_hosts("# comment\n192.0.2.7  imds.example  Other\n2001:db8::7 imds.example\n"));
  auto listed = resolver.resolve("IMDS.example", Deadline::after_ms(1000));
  ASSERT_TRUE(listed) << listed.error().message();
  EXPECT_EQ(texts(*listed), (Texts{"192.0.2.7", "2001:db8::7"}));
  auto literal = resolver.resolve("169.254.169.254", Deadline::after_ms(1000));
  ASSERT_TRUE(literal);
  EXPECT_EQ(texts(*literal), (Texts{"169.254.169.254"}));
  auto localhost = resolver.resolve("localhost", Deadline::after_ms(1000));
  ASSERT_TRUE(localhost);
  EXPECT_EQ(texts(*localhost)[0], "127.0.0.1");
  EXPECT_EQ(server.udp_queries(), 0);
  EXPECT_FALSE(resolver.resolve("bad name", Deadline::after_ms(1000)));
}

TEST(ResolverConfig, ParsesResolvConf) {
  ResolvConf conf = parse_resolv_conf(
      "# generated\nsearch eu-central-1.compute.internal\nnameserver 10.0.0.2\nnameserver fd00:ec2::253 ; v6\n"
      "nameserver bogus\nnameserver 10.0.0.3\nnameserver 10.0.0.4\noptions timeout:1 attempts:9 rotate\n");
  ASSERT_EQ(conf.nameservers.size(), 3u);
  EXPECT_EQ(conf.nameservers[0].text(), "10.0.0.2");
  EXPECT_EQ(conf.nameservers[1].text(), "fd00:ec2::253");
  EXPECT_EQ(conf.nameservers[2].text(), "10.0.0.3");
  EXPECT_EQ(conf.timeout_ms, 1000);
  EXPECT_EQ(conf.attempts, 5);
}

TEST(ResolverConfig, SystemFilesUnderRootAndTheVpcFallback) {
  char dir[] = "/tmp/net-root-XXXXXX";
  std::string base = ::mkdtemp(dir);
  std::string own = base + "/own";    // stands for this system's /
  std::string root = base + "/root";  // stands for --root
  ASSERT_TRUE(make_dirs(own + "/etc"));
  ASSERT_TRUE(make_dirs(root + "/etc"));
  ASSERT_TRUE(write_file_atomic(root + "/etc/hosts", "192.0.2.9 in-root.example\n"));
  ASSERT_TRUE(write_file_atomic(own + "/etc/hosts", "192.0.2.8 in-own.example\n"));
  // No resolv.conf anywhere: the VPC resolver. Hosts from both places.
  auto resolver = DnsResolver::from_files(own, root);
  ASSERT_EQ(resolver->servers().size(), 1u);
  EXPECT_EQ(resolver->servers()[0].address.text(), kVpcResolver);
  EXPECT_EQ(resolver->servers()[0].port, 53);
  auto in_root = resolver->resolve("in-root.example", Deadline::after_ms(1000));
  ASSERT_TRUE(in_root) << in_root.error().message();
  EXPECT_EQ(texts(*in_root), (Texts{"192.0.2.9"}));
  EXPECT_TRUE(resolver->resolve("in-own.example", Deadline::after_ms(1000)));
  // The root's file, without its loopback stub resolver, then the VPC resolver.
  ASSERT_TRUE(write_file_atomic(root + "/etc/resolv.conf", "nameserver 127.0.0.53\nnameserver 192.0.2.53\noptions timeout:3\n"));
  auto with_root_conf = DnsResolver::from_files(own, root);
  ASSERT_EQ(with_root_conf->servers().size(), 2u);
  EXPECT_EQ(with_root_conf->servers()[0].address.text(), "192.0.2.53");
  EXPECT_EQ(with_root_conf->servers()[0].source, "the root's " + root + "/etc/resolv.conf");
  EXPECT_EQ(with_root_conf->servers()[1].address.text(), kVpcResolver);
  EXPECT_EQ(with_root_conf->timeout_ms(), 3000);
  // This system's own file comes before the root's, loopback included (its resolver is running).
  ASSERT_TRUE(write_file_atomic(own + "/etc/resolv.conf", "nameserver 127.0.0.53\n"));
  auto with_own_conf = DnsResolver::from_files(own, root);
  ASSERT_EQ(with_own_conf->servers().size(), 3u);
  EXPECT_EQ(with_own_conf->servers()[0].address.text(), "127.0.0.53");
  EXPECT_EQ(with_own_conf->servers()[1].address.text(), "192.0.2.53");
  EXPECT_EQ(std::system(("rm -rf " + base).c_str()), 0);
}

}  // namespace
}  // namespace taupage
