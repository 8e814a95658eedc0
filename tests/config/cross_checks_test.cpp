// The checks across keys run on a typed Config and take both ends of a conflict from its
// provenance; also the cases where the side collections of the old reader named the wrong place.
#include "config/cross_checks.h"

#include <gtest/gtest.h>

#include "config/config_reader.h"

namespace taupage {
namespace {

const char* kMinimal =
    "#taupage-ami-config\n"
    "application_id: shop\n"
    "application_version: \"1.0\"\n"
    "runtime: Docker\n"
    "source: registry.example.org/team/shop:1.0\n";

std::vector<std::string> errors_of(const std::string& extra) {
  std::vector<std::string> out;
  for (const auto& d : read_config(std::string(kMinimal) + extra).diagnostics) {
    if (d.is_error()) out.push_back(d.render());
  }
  return out;
}

TEST(CrossChecks, RunOnAConfigBuiltInCodeAndNameBothEndsFromItsProvenance) {
  Config config;
  config.ports.push_back({2222, 80, Protocol::Tcp, {}});
  config.provenance.record(config.ports[0].address(), Origin{"$.ports.\"2222\"", Mark{9, 3}, Mark{9, 9}, false});
  config.ssh_ports = {2222};
  config.provenance.record("$.ssh_ports[0]", Origin{"$.ssh_ports[0]", Mark{12, 5}, Mark{12, 5}, false});
  Diagnostics diagnostics;
  NodeReader reader(false, diagnostics);
  check_across_keys(reader, config);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].render(),
            "error at $.ssh_ports[0], line 12 col 5: sshd cannot listen on TCP port 2222: ports maps it to the container at line 9");
}

TEST(CrossChecks, TheDefaultSshPortIsReportedAtThePortMappingAsWritten) {
  // The path is the key as written: $.ports."22/tcp", not a path rebuilt from the number.
  EXPECT_EQ(errors_of("ports:\n  22/tcp: 8080\n"),
            std::vector<std::string>{"error at $.ports.\"22/tcp\", line 7 col 3: TCP port 22 is sshd's (ssh_ports defaults to [22]); "
                                     "publish the container on another host port, or move sshd with ssh_ports"});
}

TEST(CrossChecks, AnSshPortAfterARefusedOneIsNamedAtItsOwnPlace) {
  auto errors = errors_of("ports: {22: 80}\nssh_ports: [abc, 22]\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(
      errors[1].find("error at $.ssh_ports[1], line 7 col 18: sshd cannot listen on TCP port 22: ports maps it to the container at line 6"),
      std::string::npos)
      << errors[1];
}

TEST(CrossChecks, AMemberSharedByThreeArraysIsReportedAtEachLaterMember) {
  auto errors = errors_of(
      "volumes:\n  raid:\n"
      "    /dev/md/a:\n      level: 0\n      devices: [/dev/xvdf, /dev/xvdg]\n"
      "    /dev/md/b:\n      level: 0\n      devices: [/dev/xvdf, /dev/xvdh]\n"
      "    /dev/md/c:\n      level: 0\n      devices: [/dev/sdf, /dev/xvdi]\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "error at $.volumes.raid.\"/dev/md/b\".devices[0], line 13 col 17: \"/dev/xvdf\" is already a member of /dev/md/a",
                        "error at $.volumes.raid.\"/dev/md/c\".devices[0], line 16 col 17: \"/dev/sdf\" is already a member of /dev/md/a",
                    }));
}

TEST(CrossChecks, AnArrayWithAnErrorOfItsOwnStillCountsItsMembers) {
  // /dev/md/b's level is wrong; that its member is /dev/md/a's too, and mounted, is reported in the same pass.
  auto errors = errors_of(
      "volumes:\n  raid:\n"
      "    /dev/md/a:\n      level: 0\n      devices: [/dev/xvdf, /dev/xvdg]\n"
      "    /dev/md/b:\n      level: 7\n      devices: [/dev/xvdf, /dev/xvdh]\n"
      "mounts:\n  /x:\n    partition: /dev/sdh\n");
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "error at $.volumes.raid.\"/dev/md/b\".level, line 12 col 14: expected a RAID level 0, 1, 5, 6 or 10, got 7",
                        "error at $.volumes.raid.\"/dev/md/b\".devices[0], line 13 col 17: \"/dev/xvdf\" is already a member of /dev/md/a",
                        "error at $.mounts.\"/x\".partition, line 16 col 16: \"/dev/sdh\" is a member of RAID /dev/md/b (line 13); mount "
                        "the array instead",
                    }));
}

TEST(CrossChecks, AnArrayWrittenWithABadNameIsStillDefinedForTheMounts) {
  std::string name = "/dev/md/" + std::string(40, 'a');
  auto errors = errors_of("volumes:\n  raid:\n    " + name +
                          ":\n      level: 0\n      devices: [/dev/xvdf, /dev/xvdg]\nmounts:\n  /x:\n    partition: " + name + "\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("expected /dev/md/NAME"), std::string::npos) << errors[0];
}

TEST(CrossChecks, AHealthCheckPortThatWasRefusedIsNotReportedAgain) {
  auto errors = errors_of("ports: {80: 80}\nhealth_check_port: 99999\nhealth_check_path: /\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("$.health_check_port, line 7 col 20: expected a port number from 1 to 65535"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace taupage
