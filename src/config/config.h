/// Config: the user data as typed values, after validation. Plain data: every later step reads
/// it and nothing changes it. Its provenance says where each value came from (a line, or the
/// default), so that the plan and any error at boot can point at the line the user wrote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/provenance.h"
#include "docker/image_reference.h"
#include "net/transport_protocol.h"

namespace taupage {

// An item's `mark` is where its key was written (for a KMS value and notify_cfn: the value), the
// position its origin in Config::provenance holds; the steps print its line in the plan.
struct PortMapping {
  uint16_t host_port = 0;
  uint16_t container_port = 0;
  Protocol protocol = Protocol::Tcp;
  Mark mark;

  // Its address in the Config's provenance: $.ports."8301/udp", however the key was written.
  std::string address() const;
};

// The prefix of a value that KMS decrypts at boot: "aws:kms:<base64 ciphertext>".
inline constexpr std::string_view kKmsPrefix = "aws:kms:";

// A value as written that may be an "aws:kms:" ciphertext: one type for the environment's values
// and the log-agent keys, so that the secrets step finds every ciphertext the same way.
struct MaybeEncrypted {
  std::string value;       // as written; for encrypted values the whole "aws:kms:..." text
  bool encrypted = false;  // value starts with kKmsPrefix
  std::string ciphertext;  // encrypted: the base64 after kKmsPrefix
  Mark mark;
};

struct EnvironmentVariable : MaybeEncrypted {
  std::string name;
};

struct EbsVolume {
  std::string device;    // as written, "/dev/sdf" or "/dev/xvdf"
  std::string slot;      // "f": /dev/sdf and /dev/xvdf name the same slot
  std::string name_tag;  // the Name tag, may hold ${local_ipv4} and ${public_ipv4}
  Mark mark;
};

struct RaidArray {
  std::string device;                // "/dev/md/sampleraid0"
  std::string name;                  // "sampleraid0"
  int level = 0;                     // 0, 1, 5, 6, 10
  std::vector<std::string> members;  // device paths as written
  Mark mark;
};

struct MountSpec {
  std::string target;     // "/data": /mounts/data on the host, /data in the container
  std::string partition;  // a device path, or "none" for tmpfs
  bool erase_on_boot = false;
  std::string filesystem = "ext4";
  std::string options;  // as written, comma-separated
  Mark mark;
};

struct NotifyCfn {
  std::string stack;
  std::string resource;
  Mark mark;
};

// Registry credentials given in the user data (`dockercfg`, the legacy .dockercfg layout):
// `auth` is base64 of "user:password", a secret that is never printed.
struct RegistryCredential {
  std::string server;  // the key as written: "https://registry.example.org" or "registry.example.org:5000"
  std::string auth;
  Mark mark;
};

// `shutdown`: after a successful boot, wait for the container to stop and then power off.
enum class ShutdownWhen { Never, OnExit, OnSuccess };
const char* shutdown_name(ShutdownWhen when);  // "never", "on-exit", "on-success"

// One `sysctl` entry, the key checked against the allow rule (config/sysctl_rule.h).
struct SysctlSetting {
  std::string key;    // "net.core.somaxconn"
  std::string value;  // as written, "4096" or "4096 87380 6291456"
  Mark mark;
};

// `scalyr_region`: which Scalyr upload server the agent sends to. Unset is EU: the original's last
// versions sent every instance there whatever this key said, so the keys of users moving over are
// EU accounts' keys.
enum class ScalyrRegion { Us, Eu };
const char* scalyr_region_name(ScalyrRegion region);  // "us", "eu"

// How /var/log/application.log is rotated (application_logrotate_*): the original's defaults
// (rotate 4, weekly, 256M, compressed one rotation late) for whatever is not set.
struct ApplicationLogRotation {
  std::string size = "256M";        // logrotate's notation: bytes, or a number with k, M or G
  std::string interval = "weekly";  // hourly, daily, weekly, monthly or yearly
  int rotate = 4;                   // how many rotated files are kept
  bool compress = true;             // application_logrotate_disable_compress: false
  bool delaycompress = true;        // application_logrotate_disable_delaycompress: false
};

enum class NetworkMode { Bridge, Host, None, Container };

struct Networking {
  NetworkMode mode = NetworkMode::Bridge;
  std::string container;     // for Container: the name or id
  std::string text() const;  // "bridge", "container:db", ...
};

struct Config {
  std::string application_id;
  std::string application_version;
  std::string runtime = "Docker";
  ImageReference source;
  std::vector<PortMapping> ports;
  std::optional<uint16_t> health_check_port;  // the configured or default port, when any
  std::string health_check_path;              // empty: no HTTP health check
  int health_check_timeout_seconds = 60;
  std::vector<EnvironmentVariable> environment;
  std::vector<std::string> capabilities_add;  // normalized, without CAP_
  std::vector<std::string> capabilities_drop;
  std::string hostname;
  Networking networking;
  bool root = false;
  bool privileged = false;
  std::vector<EbsVolume> ebs;
  std::vector<RaidArray> raid;
  std::vector<MountSpec> mounts;
  std::optional<NotifyCfn> notify_cfn;
  std::vector<uint16_t> ssh_ports{22};
  std::optional<MaybeEncrypted> logentries_account_key;
  std::optional<MaybeEncrypted> scalyr_account_key;
  std::string scalyr_application_log_parser;  // empty: the default "slf4j"
  ScalyrRegion scalyr_region = ScalyrRegion::Eu;
  ApplicationLogRotation application_logrotate;
  std::string mint_bucket;
  // Options of the original Taupage for the container and the host.
  bool read_only = false;             // the container's root filesystem read-only
  int64_t shm_size_bytes = 0;         // /dev/shm of the container; 0: Docker's default (64 MiB)
  bool mount_var_log = false;         // the host's /var/log at /var/log-host, read-only
  bool mount_custom_log = false;      // the host's /var/log-custom at /var/log, writable
  bool mount_certs = false;           // the host's /etc/ssl/certs, read-only
  bool docker_daemon_access = false;  // the Docker socket at /var/run/docker.sock
  std::vector<RegistryCredential> dockercfg;
  ShutdownWhen shutdown = ShutdownWhen::Never;
  std::vector<SysctlSetting> sysctl;

  // The user data exactly as received (written to /meta/taupage.yaml for the application).
  std::string user_data;

  // Where every value came from, defaults included (config/provenance.h).
  Provenance provenance;

  // Where the value at `address` ("$.mounts.\"/data\".partition") came from; a default when not written.
  Origin origin_of(const std::string& address) const;
  // "line 9", or "default" for a top-level key that was not written.
  std::string line_of(const std::string& key) const;
  bool has_encrypted_values() const;
};

}  // namespace taupage
