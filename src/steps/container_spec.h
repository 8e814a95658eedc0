/// The application container as the Docker create request describes it, translated from the
/// Config (the schema meets Docker here, in the steps, not in docker/) (plus the decrypted secrets and two facts about the host). The same
/// builder renders the request three ways: secrets masked (plan, report), secrets as keyed hashes (the fingerprint), and secrets revealed
/// (only the body sent to the daemon).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "util/json.h"
#include "util/result.h"
#include "util/secret.h"

namespace taupage {

inline constexpr const char* kContainerName = "taupageapp";
inline constexpr const char* kCredentialsDir = "/meta/credentials";
// The user data and the credentials, bound read-only into the container at the same path.
inline constexpr const char* kMetaDir = "/meta";
// Where the options of the original put host folders in the container.
inline constexpr const char* kVarLogHostTarget = "/var/log-host";           // mount_var_log
inline constexpr const char* kCustomLogDir = "/var/log-custom";             // mount_custom_log: host side
inline constexpr const char* kCertsDir = "/etc/ssl/certs";                  // mount_certs
inline constexpr const char* kDockerSocketTarget = "/var/run/docker.sock";  // docker_daemon_access
inline constexpr const char* kContainerUser = "999:999";
inline constexpr unsigned kApplicationUid = 999;  // the application user of the image
inline constexpr unsigned kApplicationGid = 999;
inline constexpr int kRestartRetries = 10;
// json-file logging when the host has no syslog socket: at most 5 files of 10 MB.
inline constexpr const char* kJsonLogMaxSize = "10m";
inline constexpr const char* kJsonLogMaxFiles = "5";

// Decrypted environment values, by variable name.
using SecretValues = std::map<std::string, Secret>;

struct HostFacts {
  HostFacts() = default;
  HostFacts(std::string root_dir, std::string syslog) : root(std::move(root_dir)), syslog_address(std::move(syslog)) {}

  std::string root = "/";      // host paths (mounts, credentials) live under it
  std::string syslog_address;  // "unixgram:///dev/log"; empty when the host has no syslog socket
  // docker_daemon_access: the daemon's socket as the daemon's host sees it (DOCKER_HOST), not
  // under `root`; empty when DOCKER_HOST is not a unix socket. Its group is added to a
  // container that does not run as root, so that user 999 can use the socket.
  std::string docker_socket;
  int docker_socket_gid = -1;
};

// What a secret environment value becomes in a rendering of the body.
using SecretText = std::function<std::string(const EnvironmentVariable& variable)>;

// The image reference the container is created from: name:tag, or name@digest when pinned.
std::string container_image(const Config& config);

// The syslog tag: "docker/<application_id>", so that hosts whose rsyslog sorts lines by a
// "docker" tag prefix (as the original Taupage AMI did) keep doing so.
std::string syslog_tag(const Config& config);

// HostConfig.Binds: the mounts, /meta read-only, and the host folders the options ask for.
std::vector<std::string> container_binds(const Config& config, const HostFacts& host);

// The POST /containers/create body. `labels` are added to Config.Labels.
Json container_create_body(const Config& config, const HostFacts& host, const SecretText& secret_text,
                           const std::map<std::string, std::string>& labels = {});

// Things a person should know about the request (syslog fallback, overridden variables).
std::vector<std::string> container_spec_warnings(const Config& config, const HostFacts& host);

// Every aws:kms: variable must have its decrypted value; names the ones that do not.
Status check_secrets_present(const Config& config, const SecretValues& secrets);

// One line for the plan: image, user, capabilities, ports, mounts, logging.
std::string describe_container(const Config& config);

}  // namespace taupage
