#include "steps/container_spec.h"
#include "util/files.h"

#include <set>

#include "util/strings.h"

namespace taupage {

namespace {

bool reserved_variable(const std::string& name) {
  return name == "APPLICATION_ID" || name == "APPLICATION_VERSION" || name == "CREDENTIALS_DIR";
}

std::string port_key(uint16_t port, Protocol protocol) { return strfmt("%u/%s", port, protocol_name(protocol)); }

Json string_array(const std::vector<std::string>& items) {
  Json array = Json::array();
  for (const auto& item : items) array.push(item);
  return array;
}

}  // namespace

std::string container_image(const Config& config) {
  const ImageReference& s = config.source;
  return s.digest.empty() ? s.text() : s.name() + "@" + s.digest;
}

std::string syslog_tag(const Config& config) { return "docker/" + config.application_id; }

std::vector<std::string> container_binds(const Config& config, const HostFacts& host) {
  std::vector<std::string> binds;
  for (const auto& m : config.mounts) binds.push_back(host_path(host.root, "/mounts" + m.target) + ":" + m.target);
  // The whole of /meta, as the original: the user data (taupage.yaml) and the credentials.
  binds.push_back(host_path(host.root, kMetaDir) + ":" + kMetaDir + ":ro");
  if (config.mount_var_log) binds.push_back(host_path(host.root, "/var/log") + ":" + kVarLogHostTarget + ":ro");
  if (config.mount_custom_log) binds.push_back(host_path(host.root, kCustomLogDir) + ":/var/log:rw");
  if (config.mount_certs) binds.push_back(host_path(host.root, kCertsDir) + ":" + kCertsDir + ":ro");
  // The socket alone: the original also bound the docker CLI and nine Ubuntu libraries, which
  // only fit one host; an application brings its own client.
  if (config.docker_daemon_access && !host.docker_socket.empty()) binds.push_back(host.docker_socket + ":" + kDockerSocketTarget);
  return binds;
}

Json container_create_body(const Config& config, const HostFacts& host, const SecretText& secret_text,
                           const std::map<std::string, std::string>& labels) {
  Json body = Json::object();
  body.set("Image", container_image(config));
  if (!config.hostname.empty() && config.networking.mode != NetworkMode::Host) body.set("Hostname", config.hostname);
  if (!config.root) body.set("User", kContainerUser);

  // The user's variables first, then Taupage's own, which the user cannot override.
  Json env = Json::array();
  for (const auto& v : config.environment) {
    if (reserved_variable(v.name)) continue;
    env.push(v.name + "=" + (v.encrypted ? secret_text(v) : v.value));
  }
  env.push("APPLICATION_ID=" + config.application_id);
  env.push("APPLICATION_VERSION=" + config.application_version);
  env.push(std::string("CREDENTIALS_DIR=") + kCredentialsDir);
  body.set("Env", std::move(env));

  // Ports: one exposed port per container port and protocol, with every host port bound to it.
  Json exposed = Json::object();
  Json bindings = Json::object();
  std::vector<std::string> order;
  std::map<std::string, Json> bound;
  for (const auto& p : config.ports) {
    std::string key = port_key(p.container_port, p.protocol);
    if (!bound.count(key)) {
      order.push_back(key);
      bound[key] = Json::array();
    }
    Json binding = Json::object();
    binding.set("HostIp", "");
    binding.set("HostPort", std::to_string(p.host_port));
    bound[key].push(std::move(binding));
  }
  for (const auto& key : order) {
    exposed.set(key, Json::object());
    bindings.set(key, bound[key]);
  }
  if (!order.empty()) body.set("ExposedPorts", std::move(exposed));

  Json all_labels = Json::object();
  all_labels.set("taupage.application-id", config.application_id);
  all_labels.set("taupage.application-version", config.application_version);
  for (const auto& [key, value] : labels) all_labels.set(key, value);
  body.set("Labels", std::move(all_labels));

  Json hc = Json::object();
  hc.set("Binds", string_array(container_binds(config, host)));
  if (config.docker_daemon_access && !config.root && host.docker_socket_gid >= 0) {
    hc.set("GroupAdd", string_array({std::to_string(host.docker_socket_gid)}));
  }
  if (config.read_only) hc.set("ReadonlyRootfs", true);
  if (config.shm_size_bytes > 0) hc.set("ShmSize", config.shm_size_bytes);
  // With host networking Docker ignores published ports (and says so): nothing to bind.
  if (!order.empty() && config.networking.mode != NetworkMode::Host) hc.set("PortBindings", std::move(bindings));
  hc.set("NetworkMode", config.networking.text());
  hc.set("CapAdd", string_array(config.capabilities_add));
  hc.set("CapDrop", string_array(config.capabilities_drop));
  hc.set("Privileged", config.privileged);
  Json security = Json::array();
  if (!config.root && !config.privileged) security.push("no-new-privileges");
  hc.set("SecurityOpt", std::move(security));
  Json log = Json::object();
  Json log_options = Json::object();
  if (!host.syslog_address.empty()) {
    log.set("Type", "syslog");
    log_options.set("syslog-address", host.syslog_address);
    log_options.set("tag", syslog_tag(config));
  } else {
    log.set("Type", "json-file");
    log_options.set("max-size", kJsonLogMaxSize);
    log_options.set("max-file", kJsonLogMaxFiles);
    log_options.set("tag", syslog_tag(config));
  }
  log.set("Config", std::move(log_options));
  hc.set("LogConfig", std::move(log));
  Json restart = Json::object();
  restart.set("Name", "on-failure");
  restart.set("MaximumRetryCount", kRestartRetries);
  hc.set("RestartPolicy", std::move(restart));
  body.set("HostConfig", std::move(hc));
  return body;
}

std::vector<std::string> container_spec_warnings(const Config& config, const HostFacts& host) {
  std::vector<std::string> warnings;
  if (config.docker_daemon_access && host.docker_socket.empty()) {
    warnings.push_back("docker_daemon_access: DOCKER_HOST is not a unix socket, so there is no socket to give the container");
  }
  if (host.syslog_address.empty()) {
    warnings.push_back(
        strfmt("this host has no syslog socket (%s, %s or %s): the container logs to json-file "
               "(at most %s files of %s) instead of syslog",
               host_path(host.root, "/dev/log").c_str(), host_path(host.root, "/var/run/syslog").c_str(),
               host_path(host.root, "/var/run/log").c_str(), kJsonLogMaxFiles, kJsonLogMaxSize));
  }
  for (const auto& v : config.environment) {
    if (reserved_variable(v.name)) warnings.push_back("environment " + v.name + " is set by Taupage; the configured value is not used");
  }
  return warnings;
}

Status check_secrets_present(const Config& config, const SecretValues& secrets) {
  std::vector<std::string> missing;
  for (const auto& v : config.environment) {
    if (v.encrypted && !reserved_variable(v.name) && !secrets.count(v.name)) missing.push_back(v.name);
  }
  if (missing.empty()) return Status::Ok();
  return Error("the aws:kms: value" + std::string(missing.size() > 1 ? "s of " : " of ") + join(missing, ", ") +
               (missing.size() > 1 ? " are" : " is") + " not decrypted (the secrets step runs before the container step)");
}

std::string describe_container(const Config& config) {
  std::string text = container_image(config) + " as " + (config.root ? std::string("the image's user") : kContainerUser);
  std::vector<std::string> caps;
  for (const auto& c : config.capabilities_add) caps.push_back("+" + c);
  for (const auto& c : config.capabilities_drop) caps.push_back("-" + c);
  if (!caps.empty()) text += ", caps " + join(caps, " ");
  if (config.privileged) text += ", privileged";
  if (config.networking.mode != NetworkMode::Bridge) text += ", network " + config.networking.text();
  if (!config.hostname.empty()) text += ", hostname " + config.hostname;
  if (!config.ports.empty()) text += strfmt(", %zu port%s", config.ports.size(), config.ports.size() == 1 ? "" : "s");
  if (!config.mounts.empty()) text += strfmt(", %zu mount%s", config.mounts.size(), config.mounts.size() == 1 ? "" : "s");
  text += ", /meta read-only";
  if (config.read_only) text += ", root filesystem read-only";
  if (config.shm_size_bytes > 0) text += strfmt(", /dev/shm %lld bytes", static_cast<long long>(config.shm_size_bytes));
  if (config.mount_var_log) text += ", host /var/log at /var/log-host (read-only)";
  if (config.mount_custom_log) text += ", host /var/log-custom at /var/log";
  if (config.mount_certs) text += ", host /etc/ssl/certs (read-only)";
  if (config.docker_daemon_access) text += ", the Docker socket at /var/run/docker.sock";
  if (!config.dockercfg.empty()) {
    std::vector<std::string> servers;
    for (const auto& c : config.dockercfg) servers.push_back(c.server);
    text += ", registry credentials from dockercfg for " + join(servers, " ");
  }
  size_t secrets = 0;
  for (const auto& v : config.environment) secrets += v.encrypted;
  text += strfmt(", %zu variable%s", config.environment.size(), config.environment.size() == 1 ? "" : "s");
  if (secrets) text += strfmt(" (%zu secret)", secrets);
  text += ", syslog tag " + syslog_tag(config) + ", restart on-failure:10";
  return text;
}

}  // namespace taupage
