#include "config/config_reader.h"

#include <gtest/gtest.h>

#include "util/strings.h"

namespace taupage {
namespace {

const char* kMinimal =
    "#taupage-ami-config\n"
    "application_id: shop\n"
    "application_version: \"1.0\"\n"
    "runtime: Docker\n"
    "source: registry.example.org/team/shop:1.0\n";

ConfigRead read(const std::string& extra, bool strict = false) { return read_config(std::string(kMinimal) + extra, ReadOptions{strict}); }

// The only error of a document; fails the test when there is not exactly one.
Diagnostic only_error(const ConfigRead& r) {
  std::vector<Diagnostic> errors;
  for (const auto& d : r.diagnostics) {
    if (d.is_error()) errors.push_back(d);
  }
  EXPECT_EQ(errors.size(), 1u) << [&] {
    std::string all;
    for (const auto& d : r.diagnostics) all += d.render() + "\n";
    return all;
  }();
  return errors.empty() ? Diagnostic{} : errors[0];
}

void expect_error(const std::string& extra, const std::string& path, int line, int column, const std::string& fragment) {
  auto r = read(extra);
  EXPECT_FALSE(r.config.has_value()) << extra;
  Diagnostic d = only_error(r);
  EXPECT_EQ(d.path, path) << d.render();
  EXPECT_EQ(d.mark.line, line) << d.render();
  EXPECT_EQ(d.mark.column, column) << d.render();
  EXPECT_NE(d.message.find(fragment), std::string::npos) << d.render();
}

TEST(ConfigReader, MinimalConfigIsValidWithDefaults) {
  auto r = read("");
  ASSERT_TRUE(r.config) << (r.diagnostics.empty() ? "" : r.diagnostics[0].render());
  const Config& c = *r.config;
  EXPECT_EQ(c.application_id, "shop");
  EXPECT_EQ(c.application_version, "1.0");
  EXPECT_EQ(c.source.registry, "registry.example.org");
  EXPECT_EQ(c.source.repository, "team/shop");
  EXPECT_EQ(c.source.tag, "1.0");
  EXPECT_FALSE(c.root);
  EXPECT_FALSE(c.privileged);
  EXPECT_EQ(c.ssh_ports, std::vector<uint16_t>{22});
  EXPECT_EQ(c.health_check_timeout_seconds, 60);
  EXPECT_EQ(c.networking.mode, NetworkMode::Bridge);
  EXPECT_FALSE(c.health_check_port);
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(ConfigReader, HeaderMustBeTaupageAmiConfig) {
  struct Case {
    std::string text;
    std::string fragment;
  } cases[] = {
      {"#cloud-config\nfoo: 1\n", "cloud-init's #cloud-config"},
      {"#!/bin/sh\necho hi\n", "this is a script"},
      {"application_id: x\n", "the first line is"},
      {" #taupage-ami-config\napplication_id: x\n", "the first line is \" #taupage-ami-config\""},
      {"", "the user data is empty"},
      {std::string("\x1f\x8b\x08\x00", 4), "gzip-compressed"},
      {std::string("\x01\x02\x03\xff\xfe", 5), "binary"},
  };
  for (const auto& c : cases) {
    auto r = read_config(c.text);
    EXPECT_FALSE(r.config);
    Diagnostic d = only_error(r);
    EXPECT_NE(d.message.find(c.fragment), std::string::npos) << d.render();
    EXPECT_NE(d.message.find("#taupage-ami-config"), std::string::npos) << d.render();
    EXPECT_EQ(d.mark.line, 1);
    EXPECT_EQ(d.mark.column, 1);
  }
}

TEST(ConfigReader, HeaderWithCarriageReturnIsAccepted) {
  std::string text = kMinimal;
  text.replace(text.find('\n'), 1, " \r\n");
  EXPECT_TRUE(read_config(text).config);
}

TEST(ConfigReader, MissingRequiredKeysAreAllReported) {
  auto r = read_config("#taupage-ami-config\nports: {80: 80}\n");
  EXPECT_FALSE(r.config);
  std::vector<std::string> missing;
  for (const auto& d : r.diagnostics) {
    if (d.message.rfind("missing required key", 0) == 0) missing.push_back(d.message);
  }
  EXPECT_EQ(missing.size(), 4u);
}

TEST(ConfigReader, HeaderOnlyIsAnError) {
  auto r = read_config("#taupage-ami-config\n");
  EXPECT_NE(only_error(r).message.find("no options"), std::string::npos);
}

TEST(ConfigReader, TopLevelMustBeAMapping) {
  auto r = read_config("#taupage-ami-config\n- a\n- b\n");
  Diagnostic d = only_error(r);
  EXPECT_NE(d.message.find("must be a mapping"), std::string::npos);
  EXPECT_EQ(d.mark.line, 2);
}

TEST(ConfigReader, YamlSyntaxErrorNamesLineAndColumn) {
  auto r = read("ports:\n  80: [80\n");
  Diagnostic d = only_error(r);
  EXPECT_NE(d.message.find("invalid YAML"), std::string::npos) << d.render();
  EXPECT_GE(d.mark.line, 7);
}

TEST(ConfigReader, DuplicateKeysAreErrors) {
  expect_error("application_id: other\n", "$.application_id", 6, 1, "duplicate key \"application_id\" (first written at line 2)");
}

TEST(ConfigReader, RuntimeIsDockerInAnyCase) {
  auto r = read_config("#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: docker\nsource: r.io/a/b:1\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->runtime, "Docker");
  auto bad = read_config("#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: rkt\nsource: r.io/a/b:1\n");
  Diagnostic d = only_error(bad);
  EXPECT_EQ(d.path, "$.runtime");
  EXPECT_EQ(d.mark.line, 4);
  EXPECT_EQ(d.mark.column, 10);
}

TEST(ConfigReader, SourceMustNameAVersion) {
  auto with_source = [](const std::string& source) {
    return read_config("#taupage-ami-config\napplication_id: a\napplication_version: '1'\nruntime: Docker\nsource: " + source + "\n");
  };
  EXPECT_TRUE(with_source("pierone.example.org/team/app:1.0").config);
  EXPECT_TRUE(with_source("127.0.0.1:5000/app:2").config);
  EXPECT_TRUE(with_source("nginx:1.25").config);
  EXPECT_TRUE(with_source("r.io/a/b@sha256:" + std::string(64, 'a')).config);
  EXPECT_TRUE(with_source("r.io/a/b:1.0@sha256:" + std::string(64, 'b')).config);
  EXPECT_NE(only_error(with_source("r.io/a/b")).message.find("no tag"), std::string::npos);
  EXPECT_NE(only_error(with_source("r.io/a/b:latest")).message.find("\"latest\" is not allowed"), std::string::npos);
  EXPECT_NE(only_error(with_source("r.io/a/B:1")).message.find("invalid repository path"), std::string::npos);
  EXPECT_NE(only_error(with_source("r.io/a/b@sha256:abc")).message.find("digest"), std::string::npos);
  EXPECT_NE(only_error(with_source("r.io:99999/a:1")).message.find("invalid registry"), std::string::npos);
  EXPECT_NE(only_error(with_source("r.io/a:b:c")).message.find("invalid"), std::string::npos);
}

TEST(ConfigReader, PortsTakeProtocolFromEitherSide) {
  auto r = read("ports:\n  80: 8080\n  8301/udp: 8301\n  8302: 8302/udp\n  8301: 8301\n  53/tcp: 53/tcp\n");
  ASSERT_TRUE(r.config);
  const auto& p = r.config->ports;
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].host_port, 80);
  EXPECT_EQ(p[0].container_port, 8080);
  EXPECT_EQ(p[0].protocol, Protocol::Tcp);
  EXPECT_EQ(p[1].protocol, Protocol::Udp);
  EXPECT_EQ(p[2].protocol, Protocol::Udp);
  EXPECT_EQ(p[3].protocol, Protocol::Tcp);
  EXPECT_EQ(p[0].mark.line, 7);
}

TEST(ConfigReader, PortErrors) {
  expect_error("ports:\n  8600: 8600/upd\n", "$.ports.\"8600\"", 7, 9, "unknown protocol \"upd\" (did you mean \"udp\"?)");
  expect_error("ports:\n  80/udp: 80/tcp\n", "$.ports.\"80/udp\"", 7, 11, "one protocol");
  expect_error("ports:\n  0: 80\n", "$.ports.\"0\"", 7, 3, "from 1 to 65535");
  expect_error("ports:\n  70000: 80\n", "$.ports.\"70000\"", 7, 3, "from 1 to 65535");
  expect_error("ports:\n  80: 80\n  80/tcp: 81\n", "$.ports.\"80/tcp\"", 8, 3, "already mapped at line 7");
  expect_error("ports:\n  80: http\n", "$.ports.\"80\"", 7, 7, "from 1 to 65535");
  expect_error("ports: 80\n", "$.ports", 6, 8, "expected a mapping");
}

TEST(ConfigReader, SameHostPortMayCarryTcpAndUdp) { EXPECT_TRUE(read("ports:\n  8301: 8301\n  8301/udp: 8301\n").config); }

TEST(ConfigReader, HealthCheckPortDefaultsToLowestTcpHostPort) {
  auto r = read("ports:\n  8080: 80\n  53/udp: 53\n  443: 443\nhealth_check_path: /health\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->health_check_port, 443);
  EXPECT_EQ(r.config->health_check_path, "/health");
}

TEST(ConfigReader, HealthCheckErrors) {
  expect_error("health_check_path: /\n", "$.health_check_path", 6, 1, "needs a port");
  expect_error("ports: {80: 80}\nhealth_check_path: health\n", "$.health_check_path", 7, 20, "starting with '/'");
  expect_error("ports: {80: 80}\nhealth_check_port: 81\nhealth_check_path: /\n", "$.health_check_port", 7, 20, "not a host port");
  expect_error("ports: {80: 80}\nhealth_check_path: /\nhealth_check_timeout_seconds: 0\n", "$.health_check_timeout_seconds", 8, 31,
               "from 1 to 86400");
  expect_error("networking: none\nhealth_check_port: 80\nhealth_check_path: /\n", "$.health_check_path", 8, 1, "networking: none");
}

TEST(ConfigReader, HealthCheckWithHostNetworkingNeedsNoPublishedPort) {
  auto r = read("networking: host\nhealth_check_port: 8080\nhealth_check_path: /\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->health_check_port, 8080);
}

TEST(ConfigReader, BooleansMustBeYamlBooleans) {
  auto good = read("root: true\nprivileged: false\n");
  ASSERT_TRUE(good.config);
  EXPECT_TRUE(good.config->root);
  expect_error("root: \"false\"\n", "$.root", 6, 7, "a quoted \"false\" is a string, not a boolean");
  expect_error("privileged: yes\n", "$.privileged", 6, 13, "write true or false");
  expect_error("root: 1\n", "$.root", 6, 7, "expected true or false");
}

TEST(ConfigReader, EnvironmentKeepsScalarTextAndMarksKms) {
  auto r = read("environment:\n  STAGE: production\n  FLAG: true\n  NUMBER: 012\n  EMPTY: \"\"\n  SECRET: aws:kms:AQID\n");
  ASSERT_TRUE(r.config);
  const auto& env = r.config->environment;
  ASSERT_EQ(env.size(), 5u);
  EXPECT_EQ(env[1].value, "true");
  EXPECT_EQ(env[2].value, "012");
  EXPECT_EQ(env[3].value, "");
  EXPECT_TRUE(env[4].encrypted);
  EXPECT_EQ(env[4].ciphertext, "AQID");
  EXPECT_FALSE(env[0].encrypted);
}

TEST(ConfigReader, EnvironmentErrors) {
  expect_error("environment:\n  1BAD: x\n", "$.environment.\"1BAD\"", 7, 3, "invalid variable name");
  expect_error("environment:\n  X:\n", "$.environment.X", 7, 5, "null");
  expect_error("environment:\n  X: [1]\n", "$.environment.X", 7, 6, "got a list");
  expect_error("environment:\n  S: aws:kms:not*base64\n", "$.environment.S", 7, 6, "not valid base64");
  expect_error("environment:\n  S: \"aws:kms:\"\n", "$.environment.S", 7, 6, "it is empty");
}

TEST(ConfigReader, ReservedEnvironmentNamesAreWarnings) {
  auto r = read("environment:\n  APPLICATION_ID: other\n");
  ASSERT_TRUE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_FALSE(r.diagnostics[0].is_error());
  EXPECT_TRUE(r.config->environment.empty());
}

TEST(ConfigReader, CapabilitiesAreCheckedAgainstTheKernelList) {
  auto r = read("capabilities_add: [NET_BIND_SERVICE, cap_sys_time, ALL]\ncapabilities_drop: [CAP_NET_ADMIN]\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->capabilities_add, (std::vector<std::string>{"NET_BIND_SERVICE", "SYS_TIME", "ALL"}));
  EXPECT_EQ(r.config->capabilities_drop, (std::vector<std::string>{"NET_ADMIN"}));
  expect_error("capabilities_add:\n  - NET_BIND_SERVCE\n", "$.capabilities_add[0]", 7, 5, "did you mean \"NET_BIND_SERVICE\"?");
  expect_error("capabilities_drop: NET_ADMIN\n", "$.capabilities_drop", 6, 20, "expected a list");
}

TEST(ConfigReader, HostnameAndNetworking) {
  auto r = read("hostname: web-1.example\nnetworking: container:db\n");
  EXPECT_FALSE(r.config);
  EXPECT_EQ(only_error(r).path, "$.hostname");
  auto ok = read("hostname: web-1\nnetworking: bridge\n");
  ASSERT_TRUE(ok.config);
  EXPECT_EQ(ok.config->hostname, "web-1");
  expect_error("hostname: -bad\n", "$.hostname", 6, 11, "RFC 1123");
  expect_error("hostname: " + std::string(65, 'a') + "\n", "$.hostname", 6, 11, "RFC 1123");
  expect_error("networking: bridg\n", "$.networking", 6, 13, "did you mean \"bridge\"?");
  expect_error("networking: \"container:\"\n", "$.networking", 6, 13, "unknown networking");
  expect_error("networking: container:db\nports: {80: 80}\n", "$.ports", 7, 1, "Docker refuses it");
}

TEST(ConfigReader, HostnameWithHostNetworkingIsIgnoredWithAWarning) {
  auto r = read("hostname: web\nnetworking: host\n");
  ASSERT_TRUE(r.config);
  EXPECT_TRUE(r.config->hostname.empty());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_FALSE(r.diagnostics[0].is_error());
}

TEST(ConfigReader, VolumesAndMounts) {
  auto r = read(
      "volumes:\n"
      "  ebs:\n"
      "    /dev/sdf: data-${local_ipv4}\n"
      "    /dev/xvdg: bar\n"
      "  raid:\n"
      "    /dev/md/data:\n"
      "      level: 1\n"
      "      devices: [/dev/xvdf, /dev/sdg]\n"
      "mounts:\n"
      "  /data:\n"
      "    partition: /dev/md/data\n"
      "    options: noatime,nodiratime\n"
      "  /scratch:\n"
      "    partition: none\n"
      "    filesystem: tmpfs\n"
      "  /logs:\n"
      "    partition: /dev/xvdh\n"
      "    erase_on_boot: true\n"
      "    filesystem: xfs\n");
  ASSERT_TRUE(r.config) << (r.diagnostics.empty() ? "" : r.diagnostics[0].render());
  const Config& c = *r.config;
  ASSERT_EQ(c.ebs.size(), 2u);
  EXPECT_EQ(c.ebs[0].slot, "f");
  EXPECT_EQ(c.ebs[0].name_tag, "data-${local_ipv4}");
  EXPECT_EQ(c.ebs[1].slot, "g");
  ASSERT_EQ(c.raid.size(), 1u);
  EXPECT_EQ(c.raid[0].name, "data");
  EXPECT_EQ(c.raid[0].level, 1);
  EXPECT_EQ(c.raid[0].members, (std::vector<std::string>{"/dev/xvdf", "/dev/sdg"}));
  ASSERT_EQ(c.mounts.size(), 3u);
  EXPECT_EQ(c.mounts[0].filesystem, "ext4");
  EXPECT_FALSE(c.mounts[0].erase_on_boot);
  EXPECT_EQ(c.mounts[0].options, "noatime,nodiratime");
  EXPECT_EQ(c.mounts[1].partition, "none");
  EXPECT_TRUE(c.mounts[2].erase_on_boot);
  EXPECT_EQ(c.mounts[2].filesystem, "xfs");
}

TEST(ConfigReader, EbsErrors) {
  expect_error("volumes:\n  ebs:\n    /dev/nvme1n1: x\n", "$.volumes.ebs.\"/dev/nvme1n1\"", 8, 5, "change between boots");
  expect_error("volumes:\n  ebs:\n    /dev/sda: x\n", "$.volumes.ebs.\"/dev/sda\"", 8, 5, "not the root device");
  expect_error("volumes:\n  ebs:\n    /dev/sdf: x\n    /dev/xvdf: y\n", "$.volumes.ebs.\"/dev/xvdf\"", 9, 5, "same slot");
  expect_error("volumes:\n  ebs:\n    /dev/sdf: x-${private_ip}\n", "$.volumes.ebs.\"/dev/sdf\"", 8, 15,
               "unknown placeholder \"${private_ip}\"");
  expect_error("volumes:\n  ebs:\n    /dev/sdf:\n", "$.volumes.ebs.\"/dev/sdf\"", 8, 14, "expected the volume's Name tag");
}

TEST(ConfigReader, RaidErrors) {
  expect_error("volumes:\n  raid:\n    /dev/md0:\n      level: 0\n      devices: [/dev/xvdf, /dev/xvdg]\n", "$.volumes.raid.\"/dev/md0\"",
               8, 5, "/dev/md/NAME");
  expect_error("volumes:\n  raid:\n    /dev/md/a:\n      level: raid5\n      devices: [/dev/xvdf, /dev/xvdg, /dev/xvdh]\n",
               "$.volumes.raid.\"/dev/md/a\".level", 9, 14, "level: 5");
  expect_error("volumes:\n  raid:\n    /dev/md/a:\n      level: 6\n      devices: [/dev/xvdf, /dev/xvdg, /dev/xvdh]\n",
               "$.volumes.raid.\"/dev/md/a\"", 8, 5, "RAID 6 needs at least 4 devices, 3 given");
  expect_error("volumes:\n  raid:\n    /dev/md/a:\n      level: 1\n      devices: [/dev/xvdf, /dev/sdf]\n",
               "$.volumes.raid.\"/dev/md/a\".devices[1]", 10, 28, "listed twice");
  expect_error("volumes:\n  raid:\n    /dev/md/a:\n      devices: [/dev/xvdf, /dev/xvdg]\n", "$.volumes.raid.\"/dev/md/a\"", 8, 5,
               "missing required key \"level\"");
  expect_error("volumes:\n  raid:\n    /dev/md/a:\n      level: 0\n      devices: [/dev/nvme1n1, /dev/xvdg]\n",
               "$.volumes.raid.\"/dev/md/a\".devices[0]", 10, 17, "change between boots");
}

TEST(ConfigReader, MountErrors) {
  expect_error("mounts:\n  data:\n    partition: /dev/xvdb\n", "$.mounts.data", 7, 3, "absolute, clean path");
  expect_error("mounts:\n  /a/../b:\n    partition: /dev/xvdb\n", "$.mounts.\"/a/../b\"", 7, 3, "absolute, clean path");
  expect_error("mounts:\n  /data:\n    filesystem: ext4\n", "$.mounts.\"/data\"", 7, 3, "missing required key \"partition\"");
  expect_error("mounts:\n  /data:\n    partition: /dev/xvdb\n    erase_on_boot: \"false\"\n", "$.mounts.\"/data\".erase_on_boot", 9, 20,
               "is a string, not a boolean");
  expect_error("mounts:\n  /data:\n    partition: /dev/xvdb\n    filesystem: ext5\n", "$.mounts.\"/data\".filesystem", 9, 17,
               "did you mean \"ext4\"?");
  expect_error("mounts:\n  /data:\n    partition: /dev/xvdb\n    filesystem: tmpfs\n", "$.mounts.\"/data\".partition", 8, 16,
               "write partition: none");
  expect_error("mounts:\n  /data:\n    partition: none\n", "$.mounts.\"/data\".partition", 8, 16, "only for filesystem: tmpfs");
  expect_error("mounts:\n  /data:\n    partition: /dev/md/missing\n", "$.mounts.\"/data\".partition", 8, 16, "not defined in volumes.raid");
  expect_error("mounts:\n  /data:\n    partition: /dev/nvme0n1\n", "$.mounts.\"/data\".partition", 8, 16, "change between boots");
  expect_error("mounts:\n  /a:\n    partition: /dev/sdf\n  /b:\n    partition: /dev/xvdf\n", "$.mounts.\"/b\".partition", 10, 16,
               "mounted twice");
  expect_error("mounts:\n  /a:\n    partition: /dev/xvdb\n    options: \"no atime\"\n", "$.mounts.\"/a\".options", 9, 14, "without spaces");
}

TEST(ConfigReader, MountOptionsLoseSpacesAroundCommas) {
  auto r = read("mounts:\n  /a:\n    partition: /dev/xvdb\n    options: \"noatime, nodiratime\"\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->mounts[0].options, "noatime,nodiratime");
}

TEST(ConfigReader, RaidMemberCannotBeMountedDirectly) {
  expect_error(
      "volumes:\n  raid:\n    /dev/md/a:\n      level: 0\n      devices: [/dev/xvdf, /dev/xvdg]\nmounts:\n  /a:\n    partition: /dev/sdg\n",
      "$.mounts.\"/a\".partition", 13, 16, "member of RAID /dev/md/a");
}

TEST(ConfigReader, NotifyCfnNeedsStackAndResource) {
  auto r = read("notify_cfn:\n  stack: pharos\n  resource: WebServerGroup\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->notify_cfn->stack, "pharos");
  EXPECT_EQ(r.config->notify_cfn->resource, "WebServerGroup");
  expect_error("notify_cfn:\n  stack: pharos\n", "$.notify_cfn", 7, 3, "missing required key \"resource\"");
}

TEST(ConfigReader, SshPorts) {
  auto r = read("ssh_ports: [22, 2222]\n");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->ssh_ports, (std::vector<uint16_t>{22, 2222}));
  auto single = read("ssh_ports: 2222\n");
  ASSERT_TRUE(single.config);
  EXPECT_EQ(single.config->ssh_ports, (std::vector<uint16_t>{2222}));
  expect_error("ports: {22: 22}\nssh_ports: [22]\n", "$.ssh_ports[0]", 7, 13, "ports maps it to the container at line 6");
  expect_error("ssh_ports: []\n", "$.ssh_ports", 6, 12, "lock everybody out");
  expect_error("ssh_ports: [22, 22]\n", "$.ssh_ports[1]", 6, 17, "listed twice");
}

// The default ssh_ports [22] shares the TCP port space as a written one does: the container
// could never publish 22 while sshd holds it.
TEST(ConfigReader, TheDefaultSshPortIsCheckedAgainstPortsToo) {
  expect_error("ports: {22: 8080}\n", "$.ports.\"22\"", 6, 9, "TCP port 22 is sshd's (ssh_ports defaults to [22])");
  EXPECT_TRUE(read("ports: {22: 8080}\nssh_ports: [2222]\n").config);
  EXPECT_TRUE(read("ports: {22/udp: 8080}\n").config);
}

TEST(ConfigReader, ARaidLevelBeyondAnIntegerIsNotCutDownToAKnownOne) {
  for (const char* level : {"4294967296", "4294967301", "18446744073709551616", "-1"}) {
    expect_error(std::string("volumes:\n  raid:\n    /dev/md/a:\n      level: ") + level +
                     "\n      devices: [/dev/xvdf, /dev/xvdg, /dev/xvdh, /dev/xvdi]\n",
                 "$.volumes.raid.\"/dev/md/a\".level", 9, 14, "expected a RAID level 0, 1, 5, 6 or 10");
  }
  expect_error("health_check_timeout_seconds: 18446744073709551615\n", "$.health_check_timeout_seconds", 6, 31, "from 1 to 86400");
}

TEST(ConfigReader, AnEmptyOptionalKeyMeansNotSet) {
  auto r = read("scalyr_account_key: \"\"\nlogentries_account_key:\nmint_bucket: ''\n");
  ASSERT_TRUE(r.config) << (r.diagnostics.empty() ? "" : r.diagnostics[0].render());
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics[0].render();
  EXPECT_FALSE(r.config->scalyr_account_key);
  EXPECT_FALSE(r.config->logentries_account_key);
  EXPECT_EQ(r.config->mint_bucket, "");
  EXPECT_FALSE(r.config->has_encrypted_values());
}

TEST(ConfigReader, AnOriginalOptionTurnedOffWarnsAboutNothingAndItsTyposGetASuggestion) {
  auto off = read("read_only: false\nmount_var_log: False\ndockercfg: \"\"\nshm_size:\nsysctl: false\nshutdown: \"\"\n");
  ASSERT_TRUE(off.config);
  EXPECT_TRUE(off.diagnostics.empty()) << off.diagnostics[0].render();
  auto typo = read("mount_var_logs: true\n");
  ASSERT_TRUE(typo.config);
  ASSERT_EQ(typo.diagnostics.size(), 1u);
  EXPECT_NE(typo.diagnostics[0].message.find("unknown key \"mount_var_logs\" (did you mean \"mount_var_log\"?)"), std::string::npos)
      << typo.diagnostics[0].render();
}

TEST(ConfigReader, SshPortMayEqualAUdpHostPort) { EXPECT_TRUE(read("ports: {22/udp: 22}\nssh_ports: [22]\n").config); }

TEST(ConfigReader, LogAgentKeysAndMintBucket) {
  auto r = read("scalyr_account_key: aws:kms:AQIDBA==\nlogentries_account_key: plain-key\nmint_bucket: my-s3-mint-bucket\n");
  ASSERT_TRUE(r.config);
  EXPECT_TRUE(r.config->scalyr_account_key->encrypted);
  EXPECT_FALSE(r.config->logentries_account_key->encrypted);
  EXPECT_EQ(r.config->mint_bucket, "my-s3-mint-bucket");
  EXPECT_TRUE(r.config->has_encrypted_values());
  expect_error("mint_bucket: My_Bucket\n", "$.mint_bucket", 6, 14, "S3 bucket name");
  expect_error("scalyr_account_key: aws:kms:not*base64\n", "$.scalyr_account_key", 6, 21, "not valid base64");
  expect_error("logentries_account_key: \"aws:kms:\"\n", "$.logentries_account_key", 6, 25, "it is empty");
}

TEST(ConfigReader, ScalyrRegionIsEuOrUsInAnyCaseAndEmptyIsNotSet) {
  auto unset = read("");
  ASSERT_TRUE(unset.config);
  EXPECT_EQ(unset.config->scalyr_region, ScalyrRegion::Eu);  // the original's last versions sent everything to EU
  for (const char* eu : {"eu", "EU", "Eu"}) {
    auto r = read(std::string("scalyr_region: ") + eu + "\n");
    ASSERT_TRUE(r.config) << eu;
    EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics[0].render();
    EXPECT_EQ(r.config->scalyr_region, ScalyrRegion::Eu) << eu;
  }
  auto us = read("scalyr_region: US\n");
  ASSERT_TRUE(us.config);
  EXPECT_EQ(us.config->scalyr_region, ScalyrRegion::Us);
  auto empty = read("scalyr_region: \"\"\n");
  ASSERT_TRUE(empty.config);
  EXPECT_TRUE(empty.diagnostics.empty()) << empty.diagnostics[0].render();
  EXPECT_EQ(empty.config->scalyr_region, ScalyrRegion::Eu);
  expect_error("scalyr_region: eu-central-1\n", "$.scalyr_region", 6, 16,
               "unknown Scalyr region \"eu-central-1\"; eu (upload.eu.scalyr.com) or us");
}

TEST(ConfigReader, ApplicationLogrotateOptionsWithTheOriginalsDefaults) {
  auto unset = read("");
  ASSERT_TRUE(unset.config);
  const auto& d = unset.config->application_logrotate;
  EXPECT_EQ(d.size, "256M");
  EXPECT_EQ(d.interval, "weekly");
  EXPECT_EQ(d.rotate, 4);
  EXPECT_TRUE(d.compress);
  EXPECT_TRUE(d.delaycompress);

  auto set = read(
      "application_logrotate_size: 100m\napplication_logrotate_interval: Daily\napplication_logrotate_rotate: \"7\"\n"
      "application_logrotate_disable_delaycompress: true\napplication_logrotate_disable_copytruncate: true\n");
  ASSERT_TRUE(set.config);
  EXPECT_TRUE(set.diagnostics.empty()) << set.diagnostics[0].render();  // no longer "ignored" options
  const auto& r = set.config->application_logrotate;
  EXPECT_EQ(r.size, "100M");  // written as logrotate spells it
  EXPECT_EQ(r.interval, "daily");
  EXPECT_EQ(r.rotate, 7);
  EXPECT_TRUE(r.compress);
  EXPECT_FALSE(r.delaycompress);

  auto bytes = read("application_logrotate_size: 1048576\napplication_logrotate_disable_compress: true\n");
  ASSERT_TRUE(bytes.config);
  EXPECT_EQ(bytes.config->application_logrotate.size, "1048576");
  EXPECT_FALSE(bytes.config->application_logrotate.compress);

  auto empty = read("application_logrotate_size: \"\"\napplication_logrotate_interval:\napplication_logrotate_rotate: ''\n");
  ASSERT_TRUE(empty.config);
  EXPECT_TRUE(empty.diagnostics.empty()) << empty.diagnostics[0].render();
  EXPECT_EQ(empty.config->application_logrotate.size, "256M");

  expect_error("application_logrotate_size: 256MB\n", "$.application_logrotate_size", 6, 29, "expected a size such as 256M, 100k, 1G");
  expect_error("application_logrotate_size: 0\n", "$.application_logrotate_size", 6, 29, "expected a size");
  expect_error("application_logrotate_interval: weekley\n", "$.application_logrotate_interval", 6, 33,
               "unknown rotation interval \"weekley\"; one of hourly, daily, weekly, monthly, yearly (did you mean \"weekly\"?)");
  expect_error("application_logrotate_rotate: -1\n", "$.application_logrotate_rotate", 6, 31, "0 to 1000");
  expect_error("application_logrotate_disable_compress: \"true\"\n", "$.application_logrotate_disable_compress", 6, 41, "");
}

TEST(ConfigReader, ScalyrLogParserDefaultsToSlf4jAndMustBeText) {
  auto defaulted = read("");
  ASSERT_TRUE(defaulted.config);
  EXPECT_EQ(defaulted.config->scalyr_application_log_parser, "");  // empty: the documented default slf4j
  auto set = read("scalyr_application_log_parser: customParser\n");
  ASSERT_TRUE(set.config);
  EXPECT_EQ(set.config->scalyr_application_log_parser, "customParser");
  auto empty = read("scalyr_application_log_parser: \"\"\n");  // not set: the default
  ASSERT_TRUE(empty.config);
  EXPECT_EQ(empty.config->scalyr_application_log_parser, "");
  expect_error("scalyr_application_log_parser: [a]\n", "$.scalyr_application_log_parser", 6, 32, "expected a string, got a list");
}

TEST(ConfigReader, UnknownKeysWarnWithSuggestionAndFailUnderStrict) {
  auto r = read("aplication_id: x\n");
  ASSERT_TRUE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_FALSE(r.diagnostics[0].is_error());
  EXPECT_NE(r.diagnostics[0].message.find("did you mean \"application_id\"?"), std::string::npos);
  auto strict = read("aplication_id: x\n", true);
  EXPECT_FALSE(strict.config);
  EXPECT_EQ(only_error(strict).path, "$.aplication_id");
}

TEST(ConfigReader, OptionsOfTheOriginalAreNamedAsSuch) {
  auto r = read("etcd_discovery_domain: example.org\n");
  ASSERT_TRUE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("original Taupage"), std::string::npos);
  EXPECT_NE(r.diagnostics[0].message.find("needs the etcd proxy, which this image does not carry"), std::string::npos)
      << r.diagnostics[0].render();
}

TEST(ConfigReader, EveryIgnoredOptionOfTheOriginalSaysWhyAndIsAnErrorUnderStrict) {
  for (const char* key : {"appdynamics_application", "newrelic_account_key", "local_planb_tokeninfo", "opa_enabled", "xray_enabled",
                          "cloudwatch_logs", "healthcheck", "nat_gateways"}) {
    auto r = read(std::string(key) + ": x\n");
    ASSERT_TRUE(r.config) << key;
    ASSERT_EQ(r.diagnostics.size(), 1u) << key;
    EXPECT_FALSE(r.diagnostics[0].is_error());
    EXPECT_NE(r.diagnostics[0].message.find("is ignored here: "), std::string::npos) << r.diagnostics[0].render();
    auto strict = read(std::string(key) + ": x\n", true);
    EXPECT_FALSE(strict.config) << key;
    EXPECT_EQ(only_error(strict).path, std::string("$.") + key);
    auto off = read(std::string(key) + ": false\n", true);  // turned off: nothing to say, even under --strict
    EXPECT_TRUE(off.config && off.diagnostics.empty()) << key;
  }
}

TEST(ConfigReader, ContainerOptionsOfTheOriginal) {
  auto r = read(
      "read_only: true\nmount_var_log: true\nmount_custom_log: true\nmount_certs: true\ndocker_daemon_access: true\n"
      "shm_size: 256m\n");
  ASSERT_TRUE(r.config) << (r.diagnostics.empty() ? "" : r.diagnostics[0].render());
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics[0].render();
  const Config& c = *r.config;
  EXPECT_TRUE(c.read_only && c.mount_var_log && c.mount_custom_log && c.mount_certs && c.docker_daemon_access);
  EXPECT_EQ(c.shm_size_bytes, 256 << 20);
  auto defaults = read("");
  ASSERT_TRUE(defaults.config);
  EXPECT_FALSE(defaults.config->read_only || defaults.config->mount_var_log || defaults.config->docker_daemon_access);
  EXPECT_EQ(defaults.config->shm_size_bytes, 0);
  expect_error("read_only: \"false\"\n", "$.read_only", 6, 12, "a quoted \"false\" is a string");
  expect_error("docker_daemon_access: yes\n", "$.docker_daemon_access", 6, 23, "write true or false");
}

TEST(ConfigReader, ShmSizeInDockersNotation) {
  for (const auto& [text, bytes] : std::vector<std::pair<std::string, int64_t>>{{"268435456", 268435456},
                                                                                {"64m", 64 << 20},
                                                                                {"1g", int64_t{1} << 30},
                                                                                {"512MB", 512 << 20},
                                                                                {"2GiB", int64_t{2} << 30},
                                                                                {"\"100k\"", 100 << 10},
                                                                                {"4096b", 4096}}) {
    auto r = read("shm_size: " + text + "\n");
    ASSERT_TRUE(r.config) << text;
    EXPECT_EQ(r.config->shm_size_bytes, bytes) << text;
  }
  expect_error("shm_size: 0\n", "$.shm_size", 6, 11, "expected a size from 1 byte to 1 TiB");
  expect_error("shm_size: 64x\n", "$.shm_size", 6, 11, "expected a size");
  expect_error("shm_size: 2048g\n", "$.shm_size", 6, 11, "expected a size");
  expect_error("shm_size: [64m]\n", "$.shm_size", 6, 11, "got a list");
}

TEST(ConfigReader, ShutdownTakesTheOriginalsThreeValues) {
  EXPECT_EQ(read("").config->shutdown, ShutdownWhen::Never);
  EXPECT_EQ(read("shutdown: never\n").config->shutdown, ShutdownWhen::Never);
  EXPECT_EQ(read("shutdown: on-exit\n").config->shutdown, ShutdownWhen::OnExit);
  EXPECT_EQ(read("shutdown: on-success\n").config->shutdown, ShutdownWhen::OnSuccess);
  auto off = read("shutdown: false\n");
  ASSERT_TRUE(off.config);
  EXPECT_TRUE(off.diagnostics.empty());
  expect_error("shutdown: on-sucess\n", "$.shutdown", 6, 11, "did you mean \"on-success\"?");
}

TEST(ConfigReader, DockercfgIsReadAndItsSecretNeverQuoted) {
  // base64("user:s3cret-pw")
  auto r = read("dockercfg:\n  https://registry.example.org:\n    auth: dXNlcjpzM2NyZXQtcHc=\n    email: a@example.org\n");
  ASSERT_TRUE(r.config) << (r.diagnostics.empty() ? "" : r.diagnostics[0].render());
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics[0].render();
  ASSERT_EQ(r.config->dockercfg.size(), 1u);
  EXPECT_EQ(r.config->dockercfg[0].server, "https://registry.example.org");
  EXPECT_EQ(r.config->dockercfg[0].auth, "dXNlcjpzM2NyZXQtcHc=");
  auto wrapped = read("dockercfg: {auths: {\"reg.example.org:5000\": {auth: dXNlcjpzM2NyZXQtcHc=}}}\n");
  ASSERT_TRUE(wrapped.config);
  EXPECT_EQ(wrapped.config->dockercfg[0].server, "reg.example.org:5000");
  // base64("no-colon-secret"): refused without showing it
  auto bad = read("dockercfg:\n  reg.example.org:\n    auth: bm8tY29sb24tc2VjcmV0\n");
  EXPECT_FALSE(bad.config);
  EXPECT_EQ(only_error(bad).path, "$.dockercfg.\"reg.example.org\".auth");
  EXPECT_EQ(only_error(bad).render().find("bm8tY29sb24tc2VjcmV0"), std::string::npos);
  auto plain = read("dockercfg:\n  reg.example.org: my-plain-password\n");
  EXPECT_FALSE(plain.config);
  EXPECT_EQ(only_error(plain).render().find("my-plain-password"), std::string::npos) << only_error(plain).render();
  expect_error("dockercfg:\n  reg.example.org: {email: a@b.c}\n", "$.dockercfg.\"reg.example.org\"", 7, 3, "missing required key \"auth\"");
}

TEST(ConfigReader, SysctlKeysFollowTheAllowRule) {
  auto r = read(
      "sysctl:\n  net.core.somaxconn: 4096\n  net.ipv4.tcp_rmem: 4096 87380 6291456\n  vm.max_map_count: 262144\n"
      "  fs.file-max: 100000\n  kernel.shmmax: 68719476736\n");
  ASSERT_TRUE(r.config) << (r.diagnostics.empty() ? "" : r.diagnostics[0].render());
  ASSERT_EQ(r.config->sysctl.size(), 5u);
  EXPECT_EQ(r.config->sysctl[1].key, "net.ipv4.tcp_rmem");
  EXPECT_EQ(r.config->sysctl[1].value, "4096 87380 6291456");
  EXPECT_EQ(r.config->sysctl[1].mark.line, 8);
  expect_error("sysctl:\n  kernel.core_pattern: \"|/tmp/x\"\n", "$.sysctl.\"kernel.core_pattern\"", 7, 3,
               "\"kernel.core_pattern\" cannot be set: it is outside what user data may change");
  expect_error("sysctl:\n  net.ipv4.conf.all.rp_filter: 0\n", "$.sysctl.\"net.ipv4.conf.all.rp_filter\"", 7, 3, "the image's hardening");
  expect_error("sysctl:\n  net.ipv4.conf.eth0.accept_redirects: 1\n", "$.sysctl.\"net.ipv4.conf.eth0.accept_redirects\"", 7, 3,
               "the image's hardening");
  expect_error("sysctl:\n  net.ipv4.ip_forward: 0\n", "$.sysctl.\"net.ipv4.ip_forward\"", 7, 3, "dockerd");
  expect_error("sysctl:\n  net/core/somaxconn: 1\n", "$.sysctl.\"net/core/somaxconn\"", 7, 3, "with dots");
  expect_error("sysctl:\n  net.core..x: 1\n", "$.sysctl.\"net.core..x\"", 7, 3, "joined by dots");
  expect_error("sysctl:\n  net.core.somaxconn: [1]\n", "$.sysctl.\"net.core.somaxconn\"", 7, 23, "expected a value");
  expect_error("sysctl:\n  net.core.somaxconn: \"1\\n2\"\n", "$.sysctl.\"net.core.somaxconn\"", 7, 23, "line break");
  expect_error("sysctl: [net.core.somaxconn]\n", "$.sysctl", 6, 9, "expected a mapping");
}

TEST(ConfigReader, TheUserDataIsKeptAsReceived) {
  std::string text = std::string(kMinimal) + "environment: {DB: \"aws:kms:AQIDBA==\"}\nhystrix: {timeout: 5}\n";
  auto r = read_config(text);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->user_data, text);
}

TEST(ConfigReader, AllErrorsOfADocumentComeInOnePassInLineOrder) {
  auto r = read("root: \"true\"\nports:\n  80: 80/upd\nhostname: -x\n");
  EXPECT_EQ(count_errors(r.diagnostics), 3u);
  for (size_t i = 1; i < r.diagnostics.size(); ++i) EXPECT_LE(r.diagnostics[i - 1].mark.line, r.diagnostics[i].mark.line);
}

TEST(ConfigReader, RenderedErrorHasPathLineAndColumn) {
  auto r = read("ports:\n  8600: 8600/upd\n");
  EXPECT_EQ(only_error(r).render(), "error at $.ports.\"8600\", line 7 col 9: unknown protocol \"upd\" (did you mean \"udp\"?)");
}

}  // namespace
}  // namespace taupage
