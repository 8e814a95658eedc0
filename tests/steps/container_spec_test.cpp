#include "steps/container_spec.h"
#include "util/files.h"

#include <gtest/gtest.h>

#include "config/config_reader.h"

namespace taupage {
namespace {

const char* kBase =
    "#taupage-ami-config\n"
    "application_id: shop\n"
    "application_version: \"2.1\"\n"
    "runtime: Docker\n"
    "source: registry.example.org/team/shop:2.1\n";

Config config_of(const std::string& extra) {
  ConfigRead read = read_config(std::string(kBase) + extra);
  std::string all;
  for (const auto& d : read.diagnostics) all += d.render() + "\n";
  EXPECT_TRUE(read.config.has_value()) << all;
  return read.config ? *read.config : Config{};
}

std::string masked(const EnvironmentVariable&) { return "****"; }

Json body_of(const std::string& extra, HostFacts host = {"/", "unixgram:///dev/log"}) {
  return container_create_body(config_of(extra), host, masked);
}

std::vector<std::string> strings(const Json& array) {
  std::vector<std::string> out;
  for (const auto& item : array.items()) out.push_back(item.as_string());
  return out;
}

TEST(ContainerSpec, MinimalConfigGivesTheHardenedDefaults) {
  Json body = body_of("");
  EXPECT_EQ(body.get_string("Image"), "registry.example.org/team/shop:2.1");
  EXPECT_EQ(body.get_string("User"), "999:999");
  EXPECT_FALSE(body.has("Hostname"));
  EXPECT_FALSE(body.has("ExposedPorts"));
  EXPECT_EQ(strings(body.get("Env")),
            (std::vector<std::string>{"APPLICATION_ID=shop", "APPLICATION_VERSION=2.1", "CREDENTIALS_DIR=/meta/credentials"}));
  const Json& hc = body.get("HostConfig");
  EXPECT_EQ(strings(hc.get("Binds")), std::vector<std::string>{"/meta:/meta:ro"});
  EXPECT_FALSE(hc.has("ReadonlyRootfs"));
  EXPECT_FALSE(hc.has("ShmSize"));
  EXPECT_FALSE(hc.has("GroupAdd"));
  EXPECT_EQ(hc.get_string("NetworkMode"), "bridge");
  EXPECT_FALSE(hc.get("Privileged").as_bool());
  EXPECT_EQ(strings(hc.get("SecurityOpt")), std::vector<std::string>{"no-new-privileges"});
  EXPECT_EQ(hc.get("RestartPolicy").get_string("Name"), "on-failure");
  EXPECT_EQ(hc.get("RestartPolicy").get("MaximumRetryCount").as_int(), 10);
  EXPECT_FALSE(hc.has("PortBindings"));
  EXPECT_EQ(body.get("Labels").get_string("taupage.application-id"), "shop");
}

TEST(ContainerSpec, SyslogWithTheApplicationIdInTheTag) {
  Json body = body_of("");
  const Json& log = body.get("HostConfig").get("LogConfig");
  EXPECT_EQ(log.get_string("Type"), "syslog");
  EXPECT_EQ(log.get("Config").get_string("tag"), "docker/shop");
  EXPECT_EQ(log.get("Config").get_string("syslog-address"), "unixgram:///dev/log");
}

TEST(ContainerSpec, NoSyslogSocketFallsBackToCappedJsonFileWithAWarning) {
  HostFacts host{"/", ""};
  Config config = config_of("");
  Json body = container_create_body(config, host, masked);
  const Json& log = body.get("HostConfig").get("LogConfig");
  EXPECT_EQ(log.get_string("Type"), "json-file");
  EXPECT_EQ(log.get("Config").get_string("max-size"), "10m");
  EXPECT_EQ(log.get("Config").get_string("max-file"), "5");
  auto warnings = container_spec_warnings(config, host);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("no syslog socket"), std::string::npos);
  EXPECT_TRUE(container_spec_warnings(config, HostFacts{"/", "unix:///dev/log"}).empty());
}

TEST(ContainerSpec, EnvironmentKeepsOrderSecretsGoThroughTheRendererAndReservedNamesCannotBeOverridden) {
  Config config = config_of(
      "environment:\n"
      "  B_FIRST: one\n"
      "  A_FLAG: true\n"
      "  DB_PASSWORD: aws:kms:AQICAHh0ZXN0\n"
      "  CREDENTIALS_DIR: /tmp\n");
  // The reader already drops reserved names with a warning; the builder holds the line too.
  config.environment.push_back(EnvironmentVariable{{"hijack", false, "", {}}, "APPLICATION_ID"});
  Json body = container_create_body(config, {}, [](const EnvironmentVariable& v) { return "<" + v.name + ">"; });
  EXPECT_EQ(strings(body.get("Env")),
            (std::vector<std::string>{"B_FIRST=one", "A_FLAG=true", "DB_PASSWORD=<DB_PASSWORD>", "APPLICATION_ID=shop",
                                      "APPLICATION_VERSION=2.1", "CREDENTIALS_DIR=/meta/credentials"}));
  auto warnings = container_spec_warnings(config, HostFacts{"/", "unixgram:///dev/log"});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("APPLICATION_ID is set by Taupage"), std::string::npos);
}

TEST(ContainerSpec, PortsTcpAndUdpExposedAndBound) {
  Json body = body_of(
      "ports:\n"
      "  80: 8080\n"
      "  443: 8080\n"
      "  8301: 8301\n"
      "  8301/udp: 8301\n"
      "  53: 5353/udp\n");
  std::vector<std::string> exposed;
  for (const auto& [key, value] : body.get("ExposedPorts").members()) exposed.push_back(key);
  EXPECT_EQ(exposed, (std::vector<std::string>{"8080/tcp", "8301/tcp", "8301/udp", "5353/udp"}));
  const Json& bindings = body.get("HostConfig").get("PortBindings");
  ASSERT_EQ(bindings.get("8080/tcp").size(), 2u);
  EXPECT_EQ(bindings.get("8080/tcp")[0].get_string("HostPort"), "80");
  EXPECT_EQ(bindings.get("8080/tcp")[1].get_string("HostPort"), "443");
  EXPECT_EQ(bindings.get("8080/tcp")[0].get_string("HostIp"), "");
  EXPECT_EQ(bindings.get("8301/udp")[0].get_string("HostPort"), "8301");
  EXPECT_EQ(bindings.get("5353/udp")[0].get_string("HostPort"), "53");
}

TEST(ContainerSpec, HostNetworkingExposesButDoesNotBindAndHasNoHostname) {
  Json body = body_of("networking: host\nports:\n  80: 80\n");
  EXPECT_EQ(body.get("HostConfig").get_string("NetworkMode"), "host");
  EXPECT_TRUE(body.has("ExposedPorts"));
  EXPECT_FALSE(body.get("HostConfig").has("PortBindings"));
  EXPECT_FALSE(body.has("Hostname"));
}

TEST(ContainerSpec, NetworkModesAndHostname) {
  EXPECT_EQ(body_of("networking: none\n").get("HostConfig").get_string("NetworkMode"), "none");
  EXPECT_EQ(body_of("networking: container:db\n").get("HostConfig").get_string("NetworkMode"), "container:db");
  EXPECT_EQ(body_of("hostname: shop-1\n").get_string("Hostname"), "shop-1");
}

TEST(ContainerSpec, CapabilitiesPrivilegedRootAndNoNewPrivileges) {
  Json caps = body_of("capabilities_add: [NET_BIND_SERVICE, CAP_SYS_TIME]\ncapabilities_drop: [ALL]\n");
  EXPECT_EQ(strings(caps.get("HostConfig").get("CapAdd")), (std::vector<std::string>{"NET_BIND_SERVICE", "SYS_TIME"}));
  EXPECT_EQ(strings(caps.get("HostConfig").get("CapDrop")), std::vector<std::string>{"ALL"});

  Json root = body_of("root: true\n");
  EXPECT_FALSE(root.has("User"));
  EXPECT_TRUE(strings(root.get("HostConfig").get("SecurityOpt")).empty());

  Json privileged = body_of("privileged: true\n");
  EXPECT_TRUE(privileged.get("HostConfig").get("Privileged").as_bool());
  EXPECT_EQ(privileged.get_string("User"), "999:999");
  EXPECT_TRUE(strings(privileged.get("HostConfig").get("SecurityOpt")).empty());
}

TEST(ContainerSpec, MountsAreBoundFromUnderMountsAndTheRoot) {
  Json body = body_of(
      "mounts:\n"
      "  /data:\n"
      "    partition: none\n"
      "    filesystem: tmpfs\n"
      "  /var/cache/app:\n"
      "    partition: none\n"
      "    filesystem: tmpfs\n",
      HostFacts{"/tmp/r/", ""});
  EXPECT_EQ(strings(body.get("HostConfig").get("Binds")),
            (std::vector<std::string>{"/tmp/r/mounts/data:/data", "/tmp/r/mounts/var/cache/app:/var/cache/app", "/tmp/r/meta:/meta:ro"}));
}

TEST(ContainerSpec, OptionsOfTheOriginalBecomeHostConfig) {
  HostFacts host{"/tmp/r", ""};
  host.docker_socket = "/run/docker.sock";
  host.docker_socket_gid = 996;
  Json body = body_of(
      "read_only: true\nshm_size: 1g\nmount_var_log: true\nmount_custom_log: true\nmount_certs: true\n"
      "docker_daemon_access: true\n",
      host);
  const Json& hc = body.get("HostConfig");
  EXPECT_TRUE(hc.get("ReadonlyRootfs").as_bool());
  EXPECT_EQ(hc.get("ShmSize").as_int(), int64_t{1} << 30);
  EXPECT_EQ(strings(hc.get("Binds")),
            (std::vector<std::string>{"/tmp/r/meta:/meta:ro", "/tmp/r/var/log:/var/log-host:ro", "/tmp/r/var/log-custom:/var/log:rw",
                                      "/tmp/r/etc/ssl/certs:/etc/ssl/certs:ro", "/run/docker.sock:/var/run/docker.sock"}));
  // user 999 reaches the socket through its group; no docker CLI or host libraries are bound
  EXPECT_EQ(strings(hc.get("GroupAdd")), std::vector<std::string>{"996"});
  std::string described = describe_container(config_of("read_only: true\nshm_size: 1g\ndocker_daemon_access: true\n"));
  EXPECT_NE(described.find("root filesystem read-only"), std::string::npos) << described;
  EXPECT_NE(described.find("/dev/shm 1073741824 bytes"), std::string::npos) << described;
  EXPECT_NE(described.find("the Docker socket at /var/run/docker.sock"), std::string::npos) << described;
}

TEST(ContainerSpec, DockerSocketForARootContainerNeedsNoGroupAndATcpDaemonHasNoSocket) {
  HostFacts host{"/", ""};
  host.docker_socket = "/var/run/docker.sock";
  host.docker_socket_gid = 996;
  Json root = body_of("root: true\ndocker_daemon_access: true\n", host);
  EXPECT_FALSE(root.get("HostConfig").has("GroupAdd"));
  HostFacts tcp{"/", ""};
  Config config = config_of("docker_daemon_access: true\n");
  Json body = container_create_body(config, tcp, masked);
  EXPECT_EQ(strings(body.get("HostConfig").get("Binds")), std::vector<std::string>{"/meta:/meta:ro"});
  auto warnings = container_spec_warnings(config, tcp);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("DOCKER_HOST is not a unix socket"), std::string::npos);
}

TEST(ContainerSpec, DockercfgIsNamedInThePlanWithoutItsSecret) {
  std::string described = describe_container(config_of("dockercfg: {reg.example.org: {auth: dXNlcjpzM2NyZXQtcHc=}}\n"));
  EXPECT_NE(described.find("registry credentials from dockercfg for reg.example.org"), std::string::npos) << described;
  EXPECT_EQ(described.find("dXNlcjpzM2NyZXQtcHc="), std::string::npos);
}

TEST(ContainerSpec, DigestPinnedImageIsCreatedByDigest) {
  std::string digest = "sha256:" + std::string(64, 'a');
  ConfigRead read = read_config(
      "#taupage-ami-config\napplication_id: shop\napplication_version: \"1\"\nruntime: Docker\n"
      "source: registry.example.org/team/shop:2.1@" +
      digest + "\n");
  ASSERT_TRUE(read.config);
  EXPECT_EQ(container_image(*read.config), "registry.example.org/team/shop@" + digest);
}

TEST(ContainerSpec, ExtraLabelsAreAdded) {
  Json body = container_create_body(config_of(""), {}, masked, {{"taupage.fingerprint", "v1:x"}});
  EXPECT_EQ(body.get("Labels").get_string("taupage.fingerprint"), "v1:x");
}

TEST(ContainerSpec, MissingDecryptedSecretsAreNamed) {
  Config config = config_of("environment:\n  A: aws:kms:AQICAHh0ZXN0\n  B: aws:kms:AQICAHh0ZXN1\n  C: plain\n");
  SecretValues secrets;
  Status missing = check_secrets_present(config, secrets);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("A, B"), std::string::npos) << missing.error().message();
  secrets["A"] = Secret("a");
  secrets["B"] = Secret("b");
  EXPECT_TRUE(check_secrets_present(config, secrets).ok());
}

TEST(ContainerSpec, DescribeMasksSecretsAndSummarises) {
  std::string line = describe_container(
      config_of("capabilities_add: [NET_BIND_SERVICE]\nports:\n  80: 8080\nenvironment:\n  PASSWORD: aws:kms:AQICAHh0ZXN0\n"));
  EXPECT_NE(line.find("registry.example.org/team/shop:2.1 as 999:999"), std::string::npos) << line;
  EXPECT_NE(line.find("+NET_BIND_SERVICE"), std::string::npos) << line;
  EXPECT_NE(line.find("1 port"), std::string::npos) << line;
  EXPECT_NE(line.find("1 secret"), std::string::npos) << line;
  EXPECT_EQ(line.find("AQICAHh0ZXN0"), std::string::npos) << line;
  EXPECT_NE(line.find("docker/shop"), std::string::npos) << line;
}

TEST(ContainerSpec, HostPathJoinsRoots) {
  EXPECT_EQ(host_path("/", "/meta"), "/meta");
  EXPECT_EQ(host_path("/tmp/r", "/meta"), "/tmp/r/meta");
  EXPECT_EQ(host_path("/tmp/r//", "/meta"), "/tmp/r/meta");
}

}  // namespace
}  // namespace taupage
