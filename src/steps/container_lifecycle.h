/// Leaves exactly one application container, `taupageapp`, running as the config says. An
/// unchanged container (same fingerprint, same image) is kept, or started when it is stopped;
/// a changed one is stopped, removed (never its volumes) and created anew. This is what makes
/// changed user data take effect after a reboot, which the original never did.
#pragma once

#include <functional>
#include <string>

#include "docker/docker_api.h"
#include "steps/container_spec.h"

namespace taupage {

enum class ContainerAction { Created, Kept, Started, Recreated };

struct ContainerResult {
  ContainerAction action = ContainerAction::Created;
  std::string id;
  std::string detail;  // one line for the report, secrets masked
};

struct ContainerRequest {
  const Config& config;
  HostFacts host;
  const SecretValues& secrets;
  DockerImage image;                                  // the local image to run
  std::function<std::string()> new_key = random_key;  // the fingerprint key of a new container
  int stop_timeout_seconds = 10;

  static std::string random_key();
};

// say: progress lines; warn: things a person must notice (Docker's warnings, fallbacks).
Result<ContainerResult> ensure_container(DockerApi& docker, const ContainerRequest& request,
                                         const std::function<void(const std::string&)>& say,
                                         const std::function<void(const std::string&)>& warn);

}  // namespace taupage
