// Where each value of a Config came from: written values, nested ones, list items as they stand
// in the Config, and defaults; Config::line_of reads the same record.
#include "config/provenance.h"

#include <gtest/gtest.h>

#include "config/config_reader.h"

namespace taupage {
namespace {

const char* kDocument =
    "#taupage-ami-config\n"                                  // 1
    "application_id: shop\n"                                 // 2
    "application_version: \"1.0\"\n"                         // 3
    "runtime: Docker\n"                                      // 4
    "source: registry.example.org/team/shop:1.0\n"           // 5
    "ports:\n"                                               // 6
    "  80/tcp: 8080\n"                                       // 7
    "environment:\n"                                         // 8
    "  STAGE: production\n"                                  // 9
    "volumes:\n"                                             // 10
    "  raid:\n"                                              // 11
    "    /dev/md/data:\n"                                    // 12
    "      level: 1\n"                                       // 13
    "      devices:\n"                                       // 14
    "        - /dev/xvdf\n"                                  // 15
    "        - /dev/xvdg\n"                                  // 16
    "mounts:\n"                                              // 17
    "  /data:\n"                                             // 18
    "    partition: /dev/md/data\n"                          // 19
    "ssh_ports: 2222\n"                                      // 20
    "capabilities_add: [NET_ADMIN, NET_ADMIN, SYS_TIME]\n";  // 21: the second NET_ADMIN is dropped (a warning)

Config read_document(const std::string& text) {
  ConfigRead read = read_config(text);
  EXPECT_TRUE(read.config) << (read.diagnostics.empty() ? "" : read.diagnostics[0].render());
  return read.config ? *read.config : Config{};
}

std::string valid_document() { return kDocument; }

TEST(Provenance, AWrittenTopLevelValueHasItsKeyAndValuePositions) {
  Config config = read_document(valid_document());
  Origin source = config.origin_of("$.source");
  EXPECT_FALSE(source.is_default);
  EXPECT_EQ(source.path, "$.source");
  EXPECT_EQ(source.mark.line, 5);
  EXPECT_EQ(source.mark.column, 1);
  EXPECT_EQ(source.value.line, 5);
  EXPECT_EQ(source.value.column, 9);
  EXPECT_EQ(source.line_text(), "line 5");
  EXPECT_EQ(config.line_of("source"), "line 5");
  EXPECT_EQ(config.line_of("ports"), "line 6");
}

TEST(Provenance, NestedValuesAreFoundByTheirPath) {
  Config config = read_document(valid_document());
  Origin partition = config.origin_of("$.mounts.\"/data\".partition");
  EXPECT_FALSE(partition.is_default);
  EXPECT_EQ(partition.mark.line, 19);
  EXPECT_EQ(partition.mark.column, 5);
  EXPECT_EQ(partition.value.column, 16);
  Origin stage = config.origin_of("$.environment.STAGE");
  EXPECT_FALSE(stage.is_default);
  EXPECT_EQ(stage.mark.line, 9);
  EXPECT_EQ(stage.value.column, 10);
  Origin member = config.origin_of("$.volumes.raid.\"/dev/md/data\".devices[1]");
  EXPECT_EQ(member.path, "$.volumes.raid.\"/dev/md/data\".devices[1]");
  EXPECT_EQ(member.mark.line, 16);
  EXPECT_EQ(member.mark.column, 11);
}

TEST(Provenance, APortMappingIsAddressedByPortAndProtocolAndKeepsTheKeyAsWritten) {
  Config config = read_document(valid_document());
  ASSERT_EQ(config.ports.size(), 1u);
  EXPECT_EQ(config.ports[0].address(), "$.ports.\"80/tcp\"");
  Origin port = config.origin_of(config.ports[0].address());
  EXPECT_EQ(port.path, "$.ports.\"80/tcp\"");
  EXPECT_EQ(port.mark.line, 7);
  Config plain = read_document(valid_document().replace(valid_document().find("80/tcp"), 6, "80"));
  Origin written_plain = plain.origin_of("$.ports.\"80/tcp\"");
  EXPECT_EQ(written_plain.path, "$.ports.\"80\"");
  EXPECT_EQ(written_plain.mark.line, 7);
}

TEST(Provenance, AListItemIsNumberedAsItStandsInTheConfig) {
  // One port written alone is the list's only item; its origin is the key's value.
  Config config = read_document(valid_document());
  Origin ssh = config.origin_of("$.ssh_ports[0]");
  EXPECT_FALSE(ssh.is_default);
  EXPECT_EQ(ssh.path, "$.ssh_ports");
  EXPECT_EQ(ssh.value.line, 20);
  EXPECT_EQ(ssh.value.column, 12);
  // A dropped item leaves no gap: SYS_TIME is the Config's second capability, written third.
  ASSERT_EQ(config.capabilities_add, (std::vector<std::string>{"NET_ADMIN", "SYS_TIME"}));
  EXPECT_EQ(config.origin_of("$.capabilities_add[0]").path, "$.capabilities_add[0]");
  Origin sys_time = config.origin_of("$.capabilities_add[1]");
  EXPECT_EQ(sys_time.path, "$.capabilities_add[2]");
  EXPECT_EQ(sys_time.value.column, 42);
  EXPECT_EQ(config.provenance.find("$.capabilities_add[2]"), nullptr);
}

TEST(Provenance, DefaultsAreRecordedAsDefaults) {
  Config config = read_document(valid_document());
  for (const char* address : {"$.health_check_timeout_seconds", "$.networking", "$.root", "$.shutdown", "$.health_check_port",
                              "$.mounts.\"/data\".filesystem", "$.mounts.\"/data\".erase_on_boot"}) {
    const Origin* origin = config.provenance.find(address);
    ASSERT_NE(origin, nullptr) << address;
    EXPECT_TRUE(origin->is_default) << address;
    EXPECT_EQ(origin->line_text(), "default") << address;
    EXPECT_EQ(origin->mark.line, 0) << address;
  }
  EXPECT_EQ(config.health_check_timeout_seconds, 60);
  EXPECT_EQ(config.mounts[0].filesystem, "ext4");
  EXPECT_EQ(config.line_of("health_check_timeout_seconds"), "default");
  // The default ssh_ports [22] has a recorded default item.
  Config minimal = read_document(valid_document().substr(0, valid_document().find("ports:")));
  ASSERT_NE(minimal.provenance.find("$.ssh_ports[0]"), nullptr);
  EXPECT_TRUE(minimal.provenance.find("$.ssh_ports[0]")->is_default);
  EXPECT_EQ(minimal.line_of("ssh_ports"), "default");
}

TEST(Provenance, EveryTopLevelKeyOfAValidConfigHasAnOrigin) {
  Config config = read_document(valid_document());
  for (const char* key : {"application_id",
                          "application_version",
                          "runtime",
                          "source",
                          "ports",
                          "health_check_port",
                          "health_check_path",
                          "health_check_timeout_seconds",
                          "environment",
                          "capabilities_add",
                          "capabilities_drop",
                          "hostname",
                          "networking",
                          "root",
                          "privileged",
                          "read_only",
                          "mount_var_log",
                          "mount_custom_log",
                          "mount_certs",
                          "docker_daemon_access",
                          "shm_size",
                          "dockercfg",
                          "volumes",
                          "mounts",
                          "notify_cfn",
                          "ssh_ports",
                          "logentries_account_key",
                          "scalyr_account_key",
                          "scalyr_application_log_parser",
                          "mint_bucket",
                          "shutdown",
                          "sysctl"}) {
    EXPECT_NE(config.provenance.find(std::string("$.") + key), nullptr) << key;
  }
}

TEST(Provenance, ADefaultNeverHidesAWrittenValue) {
  Provenance provenance;
  provenance.written("$.ports", Mark{6, 1}, Mark{7, 3});
  provenance.defaulted("$.ports");
  EXPECT_TRUE(provenance.is_written("$.ports"));
  EXPECT_EQ(provenance.at("$.ports").mark.line, 6);
  provenance.defaulted("$.shutdown");
  EXPECT_FALSE(provenance.is_written("$.shutdown"));
  EXPECT_TRUE(provenance.at("$.shutdown").is_default);
}

TEST(Provenance, AConfigBuiltInCodeHasOnlyDefaults) {
  Config config;
  EXPECT_EQ(config.line_of("ssh_ports"), "default");
  Origin origin = config.origin_of("$.mounts.\"/data\".partition");
  EXPECT_TRUE(origin.is_default);
  EXPECT_EQ(origin.path, "$.mounts.\"/data\".partition");
}

}  // namespace
}  // namespace taupage
