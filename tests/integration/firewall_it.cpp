// The firewall and ssh steps against the real kernel: every test runs in network namespaces made
// here (fw-<pid>-host, where Taupage runs, and fw-<pid>-client, joined by a veth pair) and removed
// at the end; the machine's own ruleset is never touched. `nft` reads the rules back, and real TCP,
// UDP and ICMP traffic shows what passes.

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "config/config_reader.h"
#include "firewall/netfilter.h"
#include "firewall/ruleset.h"
#include "steps/step_firewall.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

struct Ran {
  int code = -1;
  std::string output;
};

Ran sh(const std::string& command) {
  Ran ran;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return ran;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) ran.output.append(buffer, n);
  int status = ::pclose(pipe);
  ran.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return ran;
}

std::string env(const char* name, const char* fallback) {
  const char* value = ::getenv(name);
  return value ? value : fallback;
}

std::string text_of(const std::string& path) {
  auto text = read_file(path);
  return text ? *text : "(unreadable: " + text.error().message() + ")";
}

const std::string kHostNs = strfmt("fw-%d-host", static_cast<int>(::getpid()));
const std::string kClientNs = strfmt("fw-%d-client", static_cast<int>(::getpid()));

const char* kUserData = R"(#taupage-ami-config
application_id: fw-it
application_version: "1.0"
runtime: Docker
source: registry.example.org/team/app:1.0
ports:
  8080: 80
  5353/udp: 53
ssh_ports:
  - 22
  - 2222
)";

// Written by hand from the issue, not produced by Taupage's own renderer.
const char* kExpectedRuleset = R"(table inet taupage {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept comment "built-in: replies to connections"
		ct state invalid drop comment "built-in: invalid packets"
		iif "lo" accept comment "built-in: loopback"
		icmp type echo-request accept comment "built-in: ICMP"
		icmp type destination-unreachable accept comment "built-in: ICMP"
		icmp type time-exceeded accept comment "built-in: ICMP"
		icmp type parameter-problem accept comment "built-in: ICMP"
		icmpv6 type echo-request accept comment "built-in: ICMPv6"
		icmpv6 type destination-unreachable accept comment "built-in: ICMPv6"
		icmpv6 type packet-too-big accept comment "built-in: ICMPv6"
		icmpv6 type time-exceeded accept comment "built-in: ICMPv6"
		icmpv6 type parameter-problem accept comment "built-in: ICMPv6"
		icmpv6 type nd-router-advert accept comment "built-in: IPv6 router advertisements"
		icmpv6 type nd-neighbor-solicit accept comment "built-in: IPv6 neighbour discovery"
		icmpv6 type nd-neighbor-advert accept comment "built-in: IPv6 neighbour discovery"
		udp sport 67 udp dport 68 accept comment "built-in: DHCPv4 client"
		udp sport 547 udp dport 546 accept comment "built-in: DHCPv6 client"
		tcp dport 22 accept comment "ssh_ports: 22"
		tcp dport 2222 accept comment "ssh_ports: 2222"
		tcp dport 8080 accept comment "ports: 8080"
		udp dport 5353 accept comment "ports: 5353/udp"
	}
}
)";

class FirewallNamespaces : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/fw-it-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_TRUE(write_file_atomic(dir_ + "/user-data.yaml", kUserData));
    std::string setup = strfmt(
        "set -e; ip netns add %1$s; ip netns add %2$s; ip -n %1$s link set lo up; ip -n %2$s link set lo up;"
        "ip -n %1$s link add fw-h type veth peer name fw-c netns %2$s;"
        "ip -n %1$s addr add 10.231.7.1/24 dev fw-h; ip -n %1$s addr add fd00:fe::1/64 dev fw-h nodad;"
        "ip -n %2$s addr add 10.231.7.2/24 dev fw-c; ip -n %2$s addr add fd00:fe::2/64 dev fw-c nodad;"
        "ip -n %1$s link set fw-h up; ip -n %2$s link set fw-c up",
        kHostNs.c_str(), kClientNs.c_str());
    Ran ran = sh(setup);
    ASSERT_EQ(ran.code, 0) << ran.output;
  }

  static void TearDownTestSuite() {
    sh("ip netns delete " + kHostNs);
    sh("ip netns delete " + kClientNs);
    if (!dir_.empty()) sh("rm -rf '" + dir_ + "'");
  }

  void TearDown() override {
    for (int pid : servers_) ::kill(pid, SIGKILL);
    servers_.clear();
  }

  static std::string in_host(const std::string& command) { return "ip netns exec " + kHostNs + " " + command; }
  static std::string in_client(const std::string& command) { return "ip netns exec " + kClientNs + " " + command; }

  // A fresh root with a main sshd_config holding a Port line of its own.
  Ran boot(const std::string& root) {
    std::string state = root + "-state";
    if (!path_exists(root + "/etc/ssh/sshd_config")) {
      EXPECT_TRUE(make_dirs(root + "/etc/ssh"));
      EXPECT_TRUE(write_file_atomic(root + "/etc/ssh/sshd_config", "Port 2200\nPasswordAuthentication no\n"));
    }
    return sh(in_host(env("TAUPAGE_BIN", "build/taupage") + " boot --stage all --only firewall,ssh --root " + root + " --config " + dir_ +
                      "/user-data.yaml --state-dir " + state));
  }

  static std::string ruleset() { return sh(in_host("nft list ruleset")).output; }

  // Starts the traffic helper's server in a namespace and waits until it listens.
  void serve(const std::string& ns, const std::string& specs) {
    static int count = 0;
    std::string ready = strfmt("%s/ready-%d", dir_.c_str(), ++count);
    Ran started = sh("ip netns exec " + ns + " python3 " + helper() + " serve " + ready + " " + specs + " >/dev/null 2>&1 & echo $!");
    ASSERT_EQ(started.code, 0);
    servers_.push_back(std::atoi(started.output.c_str()));
    for (int i = 0; i < 100 && !path_exists(ready); ++i) ::usleep(50 * 1000);
    ASSERT_TRUE(path_exists(ready)) << "the traffic server in " << ns << " did not start";
  }

  static std::string probe(const std::string& ns, const std::string& address, const std::string& specs) {
    return sh("ip netns exec " + ns + " python3 " + helper() + " try " + address + " 1.5 " + specs).output;
  }

  static std::string helper() { return env("TAUPAGE_SOURCE_DIR", ".") + "/tests/integration/firewall_traffic.py"; }

  static std::string dir_;
  std::vector<int> servers_;
};

std::string FirewallNamespaces::dir_;

// Applies a ruleset through Taupage's own code over a real socket opened in the host namespace;
// returns the error, or "" when the kernel committed it.
std::string apply_in_host_namespace(const Ruleset& ruleset) {
  std::string error;
  std::thread applier([&] {
    // setns changes only this thread's namespace; the socket belongs to the namespace it was made in.
    int fd = ::open(("/run/netns/" + kHostNs).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
      error = "setns failed";
      return;
    }
    ::close(fd);
    KernelNetlinkChannel channel;
    auto status = apply_ruleset(channel, ruleset);
    if (!status) error = status.error().message();
  });
  applier.join();
  return error;
}

TEST_F(FirewallNamespaces, BootLeavesExactlyTheExpectedRulesetAndSshdConfigAndRerunsChangeNothing) {
  std::string root = dir_ + "/root-exact";
  Ran first = boot(root);
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_EQ(ruleset(), kExpectedRuleset);
  EXPECT_EQ(text_of(root + "/etc/ssh/sshd_config.d/taupage.conf"),
            "# Written by taupage from ssh_ports in the user data; replaced on every boot.\nPort 22\nPort 2222\n");
  std::string main = text_of(root + "/etc/ssh/sshd_config");
  EXPECT_EQ(main,
            "# Added by taupage: the ports in ssh_ports are set in /etc/ssh/sshd_config.d/taupage.conf\n"
            "Include /etc/ssh/sshd_config.d/*.conf\n"
            "# Port 2200  # commented out by taupage: ports come from ssh_ports\n"
            "PasswordAuthentication no\n");
  EXPECT_NE(first.output.find("commented out \"Port 2200\""), std::string::npos) << first.output;

  Ran second = boot(root);
  ASSERT_EQ(second.code, 0) << second.output;
  EXPECT_EQ(ruleset(), kExpectedRuleset);
  EXPECT_NE(second.output.find("ssh        kept"), std::string::npos) << second.output;
  EXPECT_EQ(text_of(root + "/etc/ssh/sshd_config"), main);
  // The handles nft shows grow with each replacement, but the rules are the same ones.
  EXPECT_EQ(sh(in_host("nft list table inet taupage")).output, kExpectedRuleset);
}

TEST_F(FirewallNamespaces, AForeignTableSurvives) {
  Ran made = sh(in_host("nft add table ip fw_foreign") + " && " + in_host("nft add chain ip fw_foreign c") + " && " +
                in_host("nft add rule ip fw_foreign c udp dport 53 counter accept"));
  ASSERT_EQ(made.code, 0) << made.output;
  Ran booted = boot(dir_ + "/root-foreign");
  ASSERT_EQ(booted.code, 0) << booted.output;
  std::string foreign = sh(in_host("nft list table ip fw_foreign")).output;
  EXPECT_NE(foreign.find("udp dport 53 counter packets 0 bytes 0 accept"), std::string::npos) << foreign;
  EXPECT_EQ(sh(in_host("nft list table inet taupage")).output, kExpectedRuleset);
  sh(in_host("nft delete table ip fw_foreign"));
}

TEST_F(FirewallNamespaces, OnlyConfiguredPortsPassAndRepliesComeBack) {
  serve(kHostNs, "tcp:22 tcp:2222 tcp:8080 tcp:9999 udp:5353 udp:9998");
  const std::string specs = "tcp:22 tcp:2222 tcp:8080 tcp:9999 udp:5353 udp:9998";
  // Without Taupage's table everything is open: the closed ports below are the firewall's doing.
  sh(in_host("nft delete table inet taupage"));
  EXPECT_EQ(probe(kClientNs, "10.231.7.1", "tcp:9999 udp:9998"), "tcp:9999 open\nudp:9998 open\n");

  Ran booted = boot(dir_ + "/root-traffic");
  ASSERT_EQ(booted.code, 0) << booted.output;
  const char* expected = "tcp:22 open\ntcp:2222 open\ntcp:8080 open\ntcp:9999 closed\nudp:5353 open\nudp:9998 closed\n";
  EXPECT_EQ(probe(kClientNs, "10.231.7.1", specs), expected);
  EXPECT_EQ(probe(kClientNs, "fd00:fe::1", specs), expected);  // IPv6, through neighbour discovery

  Ran ping4 = sh(in_client("ping -c 1 -W 2 10.231.7.1"));
  EXPECT_EQ(ping4.code, 0) << ping4.output;
  Ran ping6 = sh(in_client("ping -6 -c 1 -W 2 fd00:fe::1"));
  EXPECT_EQ(ping6.code, 0) << ping6.output;

  // Connections the host opens get their replies (conntrack), over TCP and UDP, and loopback works.
  serve(kClientNs, "tcp:7000 udp:7001");
  EXPECT_EQ(probe(kHostNs, "10.231.7.2", "tcp:7000 udp:7001"), "tcp:7000 open\nudp:7001 open\n");
  EXPECT_EQ(probe(kHostNs, "127.0.0.1", "tcp:9999 udp:9998"), "tcp:9999 open\nudp:9998 open\n");
}

// The test seam: the real ruleset with one more rule the kernel refuses (a zero-length payload
// load), applied over a real socket opened in the host namespace.
TEST_F(FirewallNamespaces, ARefusedBatchLeavesThePreviousRulesetInPlace) {
  Ran booted = boot(dir_ + "/root-refused");
  ASSERT_EQ(booted.code, 0) << booted.output;
  std::string before = ruleset();
  ASSERT_EQ(before, kExpectedRuleset);

  std::string other = std::string(kUserData) + "";
  other.replace(other.find("8080: 80"), 8, "7777: 80");
  auto config = read_config(other).config;
  ASSERT_TRUE(config.has_value());
  Ruleset changed = ruleset_for(*config);
  Rule bad{"fw test: payload of length 0", "fw-test-seam", "", {payload_load(2, 0, 0), verdict(1)}};
  changed.rules.push_back(bad);

  std::string error = apply_in_host_namespace(changed);
  ASSERT_FALSE(error.empty()) << "the kernel accepted the batch";
  EXPECT_NE(error.find(strfmt("rule %zu \"fw test: payload of length 0\" (fw-test-seam)", changed.rules.size())), std::string::npos)
      << error;
  EXPECT_NE(error.find("rolled back"), std::string::npos) << error;
  EXPECT_EQ(ruleset(), before);
  EXPECT_EQ(ruleset().find("7777"), std::string::npos);
}

// A ruleset far larger than any config needs goes in one batch: the socket buffers hold it.
TEST_F(FirewallNamespaces, AThousandRulesGoInOneBatch) {
  Ruleset large;
  for (uint16_t port = 10000; port < 11000; ++port)
    large.rules.push_back(port_rule(Protocol::Udp, port, strfmt("ports: %u/udp", port), ""));
  EXPECT_EQ(apply_in_host_namespace(large), "");
  std::string listed = ruleset();
  EXPECT_NE(listed.find("udp dport 10999 accept comment \"ports: 10999/udp\""), std::string::npos);
  size_t count = 0;
  for (size_t at = listed.find("udp dport"); at != std::string::npos; at = listed.find("udp dport", at + 1)) ++count;
  EXPECT_EQ(count, 1000u);
}

}  // namespace
}  // namespace taupage
