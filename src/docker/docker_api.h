/// DockerApi: the few Docker Engine calls Taupage makes (inspect, pull, create, start, stop,
/// remove, logs), as an interface. EngineClient is the one real implementation (HTTP over the
/// Docker socket); the lifecycle and health logic above it are unit tested with a double.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "docker/image_reference.h"
#include "util/json.h"
#include "util/result.h"
#include "util/secret.h"

namespace taupage {

// What GET /images/{name}/json says about a local image.
struct DockerImage {
  std::string id;                         // "sha256:..." (the image config digest)
  std::vector<std::string> repo_digests;  // "registry/repo@sha256:..."
  int64_t size = 0;                       // bytes
};

// What GET /containers/{id}/json says about a container (the fields Taupage decides on).
// A container id as docker ps shows it: its first 12 characters.
inline std::string short_id(const std::string& id) { return id.substr(0, 12); }

struct DockerContainer {
  std::string id;
  std::string image_id;  // the image the container was created from ("sha256:...")
  std::string status;    // created, running, paused, restarting, removing, exited, dead
  bool running = false;
  int exit_code = 0;
  int restart_count = 0;
  bool oom_killed = false;
  std::string error;  // State.Error: why the runtime could not start it
  std::map<std::string, std::string> labels;
};

class DockerApi {
 public:
  virtual ~DockerApi() = default;

  // The API version in use ("1.41"), negotiated with the daemon on first use.
  virtual Result<std::string> api_version() = 0;
  // nullopt when no such image is present.
  virtual Result<std::optional<DockerImage>> inspect_image(const std::string& reference) = 0;
  // Pulls name:tag or name@digest; each message of the progress stream goes to on_message.
  // An error inside the stream is a failure. registry_auth: the X-Registry-Auth value, or empty.
  virtual Status pull_image(const ImageReference& image, const Secret& registry_auth,
                            const std::function<void(const Json& message)>& on_message) = 0;
  // nullopt when no container has that name or id.
  virtual Result<std::optional<DockerContainer>> inspect_container(const std::string& name_or_id) = 0;
  // The body holds decrypted secrets, so it travels as a Secret and is never logged.
  // Returns the new container's id; warnings Docker sent go to `warnings`.
  virtual Result<std::string> create_container(const std::string& name, const Secret& body, std::vector<std::string>* warnings) = 0;
  // Starting a running container is not an error.
  virtual Status start_container(const std::string& id) = 0;
  // Stopping a stopped container is not an error; timeout: seconds before SIGKILL.
  virtual Status stop_container(const std::string& id, int timeout_seconds) = 0;
  // Removes the container but never its volumes.
  virtual Status remove_container(const std::string& id) = 0;
  // Blocks until the container is not running (it exited, or stopped before a restart by its
  // policy) or timeout_ms passed, and returns the exit code Docker reports.
  virtual Result<int> wait_container(const std::string& id, int timeout_ms) = 0;
  // The last `lines` lines of stdout and stderr, in order.
  virtual Result<std::vector<std::string>> container_logs(const std::string& id, int lines) = 0;
};

}  // namespace taupage
