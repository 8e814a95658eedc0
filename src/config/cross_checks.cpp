#include "config/cross_checks.h"

#include <algorithm>
#include <map>
#include <set>

#include "config/application_section.h"
#include "config/device_names.h"
#include "config/host_section.h"
#include "config/storage_section.h"
#include "util/strings.h"

namespace taupage {
namespace {

void check_networking(NodeReader& reader, Config& config) {
  if (config.networking.mode == NetworkMode::Container) {
    if (!config.ports.empty()) {
      Origin ports = config.origin_of("$.ports");
      reader.error(ports.path, ports.mark,
                   "ports cannot be published with networking: " + config.networking.text() +
                       " (the container uses the other container's network; Docker refuses it)");
    }
    if (!config.hostname.empty()) {
      Origin hostname = config.origin_of("$.hostname");
      reader.error(hostname.path, hostname.mark,
                   "hostname cannot be set with networking: " + config.networking.text() + " (Docker refuses it)");
    }
  }
  if (config.networking.mode == NetworkMode::Host && !config.hostname.empty()) {
    Origin hostname = config.origin_of("$.hostname");
    reader.warn(hostname.path, hostname.mark, "with networking: host the container shares the instance's host name; hostname is ignored");
    config.hostname.clear();
  }
}

// ssh_ports and the TCP host ports of `ports` share the host's TCP port space; the default
// ssh_ports [22] too, although it was not written (then the port mapping is what to change).
void check_ssh_ports(NodeReader& reader, const Config& config) {
  bool ssh_written = config.provenance.is_written(ssh_port_address(0));
  if (!ssh_written) {
    for (const auto& p : config.ports) {
      for (uint16_t ssh : config.ssh_ports) {
        if (p.protocol != Protocol::Tcp || p.host_port != ssh) continue;
        Origin port = config.origin_of(p.address());
        reader.error(port.path, port.mark,
                     strfmt("TCP port %u is sshd's (ssh_ports defaults to [22]); publish the container on another host port, "
                            "or move sshd with ssh_ports",
                            p.host_port));
      }
    }
    return;
  }
  for (size_t i = 0; i < config.ssh_ports.size(); ++i) {
    for (const auto& p : config.ports) {
      if (p.protocol != Protocol::Tcp || p.host_port != config.ssh_ports[i]) continue;
      Origin ssh = config.origin_of(ssh_port_address(i));
      Origin port = config.origin_of(p.address());
      reader.error(ssh.path, ssh.value,
                   strfmt("sshd cannot listen on TCP port %u: ports maps it to the container at line %d", p.host_port, port.mark.line));
    }
  }
}

// Runs before the default port is filled in: config.health_check_port is then the written one.
void check_health_check(NodeReader& reader, const Config& config) {
  std::optional<uint16_t> written = config.health_check_port;
  std::optional<uint16_t> port = written ? written : default_health_check_port(config);
  Origin port_origin = config.origin_of("$.health_check_port");
  if (!config.health_check_path.empty()) {
    Origin path = config.origin_of("$.health_check_path");
    if (config.networking.mode == NetworkMode::None) {
      reader.error(path.path, path.mark, "with networking: none nothing can reach the container; remove health_check_path");
    } else if (!port) {
      reader.error(path.path, path.mark, "an HTTP health check needs a port: set health_check_port or map a TCP port in ports");
    } else if (config.networking.mode == NetworkMode::Bridge && written) {
      bool published = std::any_of(config.ports.begin(), config.ports.end(),
                                   [&](const PortMapping& p) { return p.protocol == Protocol::Tcp && p.host_port == *written; });
      if (!published) {
        reader.error(port_origin.path, port_origin.value,
                     strfmt("TCP port %u is not a host port in ports, so the health check could not reach the container", *written));
      }
    }
  } else if (written) {
    reader.warn(port_origin.path, port_origin.value,
                "health_check_port without health_check_path does nothing: no HTTP health check is made");
  }
}

// The array that has `identity` among its members and was written last, with the member's index.
const RaidArray* array_with_member(const Config& config, const std::string& identity, size_t* index) {
  for (auto array = config.raid.rbegin(); array != config.raid.rend(); ++array) {
    for (size_t i = 0; i < array->members.size(); ++i) {
      if (device_identity(array->members[i]) == identity) {
        *index = i;
        return &*array;
      }
    }
  }
  return nullptr;
}

// RAID devices, their members and the mounts must fit together.
void check_storage(NodeReader& reader, const Config& config) {
  std::set<std::string> mounted;
  for (const auto& mount : config.mounts) {
    if (mount.partition == "none") continue;
    Origin partition = config.origin_of(path_key(mount_address(mount.target), "partition"));
    // An array written but invalid has its own error already; only a missing one is reported here.
    if (mount.partition.rfind("/dev/md/", 0) == 0 && !config.provenance.is_written(raid_address(mount.partition))) {
      reader.error(partition.path, partition.value, quote(mount.partition) + " is not defined in volumes.raid");
      continue;
    }
    std::string identity = device_identity(mount.partition);
    size_t index = 0;
    if (const RaidArray* array = array_with_member(config, identity, &index)) {
      Origin member = config.origin_of(raid_member_address(array->device, index));
      reader.error(partition.path, partition.value,
                   quote(mount.partition) +
                       strfmt(" is a member of RAID %s (line %d); mount the array instead", array->device.c_str(), member.mark.line));
      continue;
    }
    if (!mounted.insert(identity).second) reader.error(partition.path, partition.value, quote(mount.partition) + " is mounted twice");
  }
  std::map<std::string, std::string> member_owner;
  for (const auto& array : config.raid) {
    for (size_t i = 0; i < array.members.size(); ++i) {
      auto [it, inserted] = member_owner.emplace(device_identity(array.members[i]), array.device);
      if (inserted) continue;
      Origin member = config.origin_of(raid_member_address(array.device, i));
      reader.error(member.path, member.mark, quote(array.members[i]) + " is already a member of " + it->second);
    }
  }
}

}  // namespace

void check_across_keys(NodeReader& reader, Config& config) {
  check_networking(reader, config);
  check_ssh_ports(reader, config);
  check_health_check(reader, config);
  check_storage(reader, config);
}

}  // namespace taupage
