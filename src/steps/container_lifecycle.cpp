#include "steps/container_lifecycle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "docker/fingerprint.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {

namespace {

Json keyed_body(const ContainerRequest& r, const std::string& key) {
  return container_create_body(
      r.config, r.host, [&](const EnvironmentVariable& v) { return "hmac-sha256:" + keyed_hash_hex(key, r.secrets.at(v.name).reveal()); });
}

// The bind sources must exist before Docker sees them: Docker would make an empty folder on
// the root filesystem, and the application would write there instead of on its volume.
Status check_bind_sources(const ContainerRequest& r) {
  for (const auto& m : r.config.mounts) {
    std::string source = host_path(r.host.root, "/mounts" + m.target);
    if (!path_exists(source)) {
      return Error("the mount " + m.target + " is not on this host (" + source +
                   " is missing; the mounts step makes it): the container is not started without it");
    }
  }
  std::string credentials = host_path(r.host.root, kCredentialsDir);
  if (auto made = make_dirs(credentials, 0755); !made) return std::move(made).error().wrap("credentials folder");
  const Config& c = r.config;
  // Folders of the host that the options show: made by the system, not by Taupage.
  for (const auto& [wanted, folder] : {std::pair{c.mount_var_log, "/var/log"}, std::pair{c.mount_certs, kCertsDir}}) {
    std::string source = host_path(r.host.root, folder);
    if (wanted && !path_exists(source)) {
      return Error(source + " is missing on this host: the container is not started without it (" +
                   (folder == std::string(kCertsDir) ? "mount_certs" : "mount_var_log") + ")");
    }
  }
  if (c.mount_custom_log) {
    // The application's own log folder, as the original: owned by the application user.
    std::string custom = host_path(r.host.root, kCustomLogDir);
    if (auto made = make_dirs(custom, 0755); !made) return std::move(made).error().wrap("mount_custom_log");
    if (::chown(custom.c_str(), kApplicationUid, kApplicationUid) != 0) {
      return Error("chown " + custom + ": " + errno_text(errno)).wrap("mount_custom_log");
    }
  }
  if (c.docker_daemon_access && !r.host.docker_socket.empty()) {
    struct stat st {};
    if (::stat(r.host.docker_socket.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
      return Error("docker_daemon_access: " + r.host.docker_socket + " is not a socket on this host (DOCKER_HOST)");
    }
  }
  return Status::Ok();
}

Result<ContainerResult> create_and_start(DockerApi& docker, const ContainerRequest& r,
                                         const std::function<void(const std::string&)>& warn) {
  const std::string key = r.new_key();
  const Fingerprint fingerprint = fingerprint_of(keyed_body(r, key), key);
  Secret body(container_create_body(r.config, r.host, [&](const EnvironmentVariable& v) { return r.secrets.at(v.name).reveal(); },
                                    {{kFingerprintLabel, fingerprint.label()}, {kFingerprintPartsLabel, fingerprint.parts_label()}})
                  .dump());
  std::vector<std::string> warnings;
  auto id = docker.create_container(kContainerName, body, &warnings);
  if (!id) return id.error();
  for (const auto& w : warnings) warn("Docker: " + w);
  if (auto started = docker.start_container(*id); !started) {
    return Error(strfmt("start %s %s: %s (the container is left created, for inspection)", kContainerName, short_id(*id).c_str(),
                        started.error().message().c_str()));
  }
  return ContainerResult{ContainerAction::Created, *id, ""};
}

}  // namespace

std::string ContainerRequest::random_key() { return random_key_hex(); }

Result<ContainerResult> ensure_container(DockerApi& docker, const ContainerRequest& r, const std::function<void(const std::string&)>& say,
                                         const std::function<void(const std::string&)>& warn) {
  if (auto present = check_secrets_present(r.config, r.secrets); !present) return present.error();
  if (auto binds = check_bind_sources(r); !binds) return binds.error();
  const std::string image = container_image(r.config);

  auto existing = docker.inspect_container(kContainerName);
  if (!existing) return existing.error();
  if (!*existing) {
    auto made = create_and_start(docker, r, warn);
    if (!made) return made.error();
    made->detail = strfmt("%s %s from %s", kContainerName, short_id(made->id).c_str(), image.c_str());
    return made;
  }

  const DockerContainer& c = **existing;
  std::vector<std::string> changes;
  if (c.image_id != r.image.id)
    changes.push_back("image " + short_id(c.image_id.substr(c.image_id.find(':') + 1)) + " -> " +
                      short_id(r.image.id.substr(r.image.id.find(':') + 1)));
  auto before = Fingerprint::from_labels(c.labels);
  if (!before) {
    changes.push_back("not made by this version of Taupage");
  } else {
    Fingerprint now = fingerprint_of(keyed_body(r, before->key_hex), before->key_hex);
    if (now.digest_hex != before->digest_hex) {
      auto parts = changed_parts(*before, now);
      changes.push_back(parts.empty() ? std::string("configuration") : join(parts, ", "));
    }
  }
  const bool gone = c.status == "dead" || c.status == "removing";
  if (changes.empty() && !gone) {
    if (c.running || c.status == "restarting" || c.status == "paused") {
      return ContainerResult{ContainerAction::Kept, c.id,
                             strfmt("%s %s unchanged and %s", kContainerName, short_id(c.id).c_str(), c.status.c_str())};
    }
    say(strfmt("%s %s is unchanged and %s: starting it", kContainerName, short_id(c.id).c_str(), c.status.c_str()));
    if (auto started = docker.start_container(c.id); !started) {
      return std::move(started).error().wrap(strfmt("start %s %s", kContainerName, short_id(c.id).c_str()));
    }
    return ContainerResult{ContainerAction::Started, c.id,
                           strfmt("%s %s unchanged, was %s, started", kContainerName, short_id(c.id).c_str(), c.status.c_str())};
  }

  std::string why = gone ? "it is " + c.status : "changed: " + join(changes, "; ");
  say(strfmt("%s %s %s: stopping and removing it (its volumes are kept)", kContainerName, short_id(c.id).c_str(), why.c_str()));
  if (auto stopped = docker.stop_container(c.id, r.stop_timeout_seconds); !stopped) {
    return std::move(stopped).error().wrap(strfmt("stop %s %s", kContainerName, short_id(c.id).c_str()));
  }
  if (auto removed = docker.remove_container(c.id); !removed) {
    return std::move(removed).error().wrap(strfmt("remove %s %s", kContainerName, short_id(c.id).c_str()));
  }
  auto made = create_and_start(docker, r, warn);
  if (!made) return made.error();
  made->action = ContainerAction::Recreated;
  made->detail = strfmt("%s %s from %s replaces %s (%s)", kContainerName, short_id(made->id).c_str(), image.c_str(), short_id(c.id).c_str(),
                        why.c_str());
  return made;
}

}  // namespace taupage
