/// What a running step may use: the config, where the real root is, where reports go, a clock,
/// and the system interfaces (AWS, Docker, block devices, netfilter, ...). Each interface has one
/// real implementation and test doubles; the pointers are null where a stage does not need one.
#pragma once

#include <map>
#include <string>

#include "config/config.h"
#include "util/clock.h"
#include "util/secret.h"

namespace taupage {

class DockerApi;
class HttpClient;

struct Context {
  const Config& config;
  std::string root = "/";                   // the real root: "/" or, in the initramfs, e.g. "/root"
  std::string state_dir = "/run/taupage";   // reports and the validated config
  Clock& clock;
  bool dry_run = false;

  // Late stage.
  DockerApi* docker = nullptr;        // the Docker Engine (DOCKER_HOST)
  HttpClient* http = nullptr;         // plain HTTP: the health check
  std::string docker_config_dir;      // DOCKER_CONFIG: where config.json holds registry credentials
  // Decrypted aws:kms: environment values by variable name; the secrets step fills it and only
  // the container step reads it.
  std::map<std::string, Secret> secrets;

  Context(const Config& c, Clock& k) : config(c), clock(k) {}
};

}  // namespace taupage
