#include "net/nameserver_sources.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>

#include "util/files.h"

namespace taupage {
namespace {

using Texts = std::vector<std::string>;

Texts texts(const std::vector<IpAddress>& addresses) {
  Texts out;
  for (const auto& a : addresses) out.push_back(a.text());
  return out;
}

TEST(NameserverSources, ParsesInitramfsToolsNetConf) {
  // As klibc's ipconfig writes it for initramfs-tools (an unused second server is 0.0.0.0).
  std::string conf =
      "DEVICE='ens5'\nPROTO='dhcp'\nIPV4ADDR='172.31.5.9'\nIPV4BROADCAST='172.31.15.255'\nIPV4NETMASK='255.255.240.0'\n"
      "IPV4GATEWAY='172.31.0.1'\nIPV4DNS0='10.9.0.2'\nIPV4DNS1='0.0.0.0'\nHOSTNAME='ip-172-31-5-9'\nDNSDOMAIN='ec2.internal'\n"
      "ROOTSERVER='172.31.0.1'\nfilename=''\nDOMAINSEARCH=''\n";
  EXPECT_EQ(texts(parse_initramfs_net_conf(conf)), (Texts{"10.9.0.2", "0.0.0.0"}));
  EXPECT_EQ(texts(parse_initramfs_net_conf("IPV6DNS0=fd00:ec2::253\nIPV4DNS0=\n")), (Texts{"fd00:ec2::253"}));
  EXPECT_EQ(texts(parse_networkd_lease("# This is private data.\nADDRESS=172.31.5.9\nDNS=10.9.0.2 10.9.0.3\nNTP=169.254.169.123\n")),
            (Texts{"10.9.0.2", "10.9.0.3"}));
}

class NameserverFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/ns-sources-XXXXXX";
    base_ = ::mkdtemp(dir);
    own_ = base_ + "/own";
    root_ = base_ + "/root";
  }
  void TearDown() override { EXPECT_EQ(std::system(("rm -rf " + base_).c_str()), 0); }
  void write(const std::string& path, const std::string& text) {
    ASSERT_TRUE(make_dirs(path.substr(0, path.rfind('/'))));
    ASSERT_TRUE(write_file_atomic(path, text));
  }
  Texts order() {
    Texts out;
    for (const auto& s : nameserver_sources(own_, root_).servers) out.push_back(s.address.text() + " " + s.source);
    return out;
  }
  std::string base_, own_, root_;
};

TEST_F(NameserverFiles, NothingAnywhereIsTheVpcResolverAlone) { EXPECT_EQ(order(), (Texts{"169.254.169.253 the VPC resolver"})); }

// The initramfs of initramfs-tools: the DHCP answer in /run, the root's stub resolver skipped.
TEST_F(NameserverFiles, InitramfsToolsDhcpAnswerBeforeTheRootsFile) {
  write(own_ + "/run/net-ens5.conf", "DEVICE='ens5'\nIPV4DNS0='10.9.0.2'\nIPV4DNS1='0.0.0.0'\n");
  write(root_ + "/etc/resolv.conf", "nameserver 127.0.0.53\noptions edns0 trust-ad timeout:4\nsearch ec2.internal\n");
  EXPECT_EQ(order(), (Texts{"10.9.0.2 DHCP answer in /run/net-ens5.conf", "169.254.169.253 the VPC resolver"}));
  EXPECT_EQ(nameserver_sources(own_, root_).timeout_ms, 4000);
}

// What the guest of tests/integration/machine_qemu.sh really has: QEMU's restricted user network
// sends no DNS option, so ipconfig writes 0.0.0.0 and networkd's lease has no DNS= line.
TEST_F(NameserverFiles, ADhcpAnswerWithoutDnsServersAddsNone) {
  write(own_ + "/run/net-ens3.conf",
        "DEVICE='ens3'\nPROTO='dhcp'\nIPV4ADDR='169.254.169.15'\nIPV4BROADCAST='169.254.169.255'\nIPV4NETMASK='255.255.255.0'\n"
        "IPV4GATEWAY='0.0.0.0'\nIPV4DNS0='0.0.0.0'\nIPV4DNS1='0.0.0.0'\nHOSTNAME=''\nDNSDOMAIN=''\nNISDOMAIN=''\n"
        "ROOTSERVER='169.254.169.2'\nROOTPATH=''\nfilename=''\nUPTIME='34'\nDHCPLEASETIME='86400'\nDOMAINSEARCH=''\n");
  write(own_ + "/run/systemd/netif/leases/2",
        "# This is private data. Do not parse.\nADDRESS=169.254.169.15\nNETMASK=255.255.255.0\nSERVER_ADDRESS=169.254.169.2\n");
  write(own_ + "/run/systemd/resolve/resolv.conf", "# No DNS servers known.\nsearch .\n");
  write(root_ + "/etc/resolv.conf", "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n");
  EXPECT_EQ(order(), (Texts{"169.254.169.253 the VPC resolver"}));
}

TEST_F(NameserverFiles, EverySourceInOrderEachAddressOnce) {
  write(own_ + "/run/net-ens5.conf", "IPV4DNS0='10.1.0.2'\nIPV4DNS1='10.1.0.3'\n");
  write(own_ + "/tmp/net.ens6.resolv.conf", "nameserver 10.2.0.2\n");
  write(own_ + "/run/systemd/netif/leases/2", "DNS=10.3.0.2 10.1.0.2\n");
  write(own_ + "/run/systemd/resolve/resolv.conf", "nameserver 10.4.0.2\n");
  write(own_ + "/etc/resolv.conf", "nameserver 10.5.0.2\nnameserver 169.254.169.253\n");
  write(root_ + "/etc/resolv.conf", "nameserver 127.0.0.53\nnameserver 10.6.0.2\n");
  EXPECT_EQ(order(), (Texts{"10.1.0.2 DHCP answer in /run/net-ens5.conf", "10.1.0.3 DHCP answer in /run/net-ens5.conf",
                            "10.2.0.2 DHCP answer in /tmp/net.ens6.resolv.conf", "10.3.0.2 DHCP lease in /run/systemd/netif/leases/2",
                            "10.4.0.2 systemd-resolved's upstream servers in /run/systemd/resolve/resolv.conf", "10.5.0.2 /etc/resolv.conf",
                            "169.254.169.253 /etc/resolv.conf", "10.6.0.2 the root's " + root_ + "/etc/resolv.conf"}));
}

// The stages on the real root (--root /): its resolv.conf is this system's, stub included, after
// the upstream servers systemd-resolved learnt from DHCP.
TEST_F(NameserverFiles, OnTheRealRootTheStubComesAfterResolvedsUpstream) {
  write(own_ + "/run/systemd/resolve/resolv.conf", "nameserver 10.4.0.2\n");
  write(own_ + "/etc/resolv.conf", "nameserver 127.0.0.53\n");
  auto sources = nameserver_sources(own_, "/");
  ASSERT_EQ(sources.servers.size(), 3u);
  EXPECT_EQ(sources.servers[0].address.text(), "10.4.0.2");
  EXPECT_EQ(sources.servers[1].address.text(), "127.0.0.53");
  EXPECT_EQ(sources.servers[2].address.text(), kVpcResolver);
}

}  // namespace
}  // namespace taupage
