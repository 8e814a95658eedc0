/// Config: the user data as typed values, after validation. Plain data: every later step reads
/// it and nothing changes it. Each value keeps the line and column it came from, so that the plan
/// and any error at boot can point at the line the user wrote.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/image_reference.h"

namespace taupage {

enum class Protocol { Tcp, Udp };
const char* protocol_name(Protocol p);  // "tcp", "udp"

struct PortMapping {
  uint16_t host_port = 0;
  uint16_t container_port = 0;
  Protocol protocol = Protocol::Tcp;
  Mark mark;
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
  std::string target;       // "/data": /mounts/data on the host, /data in the container
  std::string partition;    // a device path, or "none" for tmpfs
  bool erase_on_boot = false;
  std::string filesystem = "ext4";
  std::string options;      // as written, comma-separated
  Mark mark;
};

struct NotifyCfn {
  std::string stack;
  std::string resource;
  Mark mark;
};

enum class NetworkMode { Bridge, Host, None, Container };

struct Networking {
  NetworkMode mode = NetworkMode::Bridge;
  std::string container;  // for Container: the name or id
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
  std::vector<std::string> capabilities_add;   // normalized, without CAP_
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
  std::string mint_bucket;

  // Where each top-level key was written ("ports" -> line 9 col 1); absent keys are missing.
  std::map<std::string, Mark> key_marks;

  // "line 9", or "default" for a key that was not written.
  std::string line_of(const std::string& key) const;
  bool has_encrypted_values() const;
};

}  // namespace taupage
