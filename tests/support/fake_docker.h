/// FakeDocker: an in-memory Docker Engine for the lifecycle, pull and health tests. It keeps
/// images and containers, records every call, and can be told to fail a call or to let the
/// application exit, so the decisions above DockerApi are tested without a daemon.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "docker/docker_api.h"

namespace taupage::testing {

struct FakeContainer {
  DockerContainer state;
  std::string name;
  std::string body;  // the create request as sent (with secrets: only tests read it)
  std::vector<std::string> log;
};

class FakeDocker : public DockerApi {
 public:
  // Images a pull of that reference text makes present ("reg/app:1.0" -> id).
  std::map<std::string, DockerImage> registry;
  std::map<std::string, DockerImage> images;        // present locally, by reference text
  std::map<std::string, FakeContainer> containers;  // by id
  std::vector<std::string> calls;                   // "pull reg/app:1.0", "create taupageapp", "start <id>", ...

  // Errors to return, by call name ("pull", "create", "start", "stop", "remove", "inspect_container").
  // Each entry is used once per listed message, in order.
  std::map<std::string, std::vector<std::string>> failures;
  // Pull stream messages sent before the pull completes.
  std::vector<Json> pull_messages;
  // Called on every inspect_container of an existing container: lets a test change its state.
  std::function<void(FakeContainer&)> on_inspect;
  // Called on wait_container: lets a test end (or restart) the application; by default it exits 0.
  std::function<void(FakeContainer&)> on_wait;

  Result<std::string> api_version() override { return std::string("1.41"); }
  Result<std::optional<DockerImage>> inspect_image(const std::string& reference) override;
  Status pull_image(const ImageReference& image, const Secret& registry_auth,
                    const std::function<void(const Json& message)>& on_message) override;
  Result<std::optional<DockerContainer>> inspect_container(const std::string& name_or_id) override;
  Result<std::string> create_container(const std::string& name, const Secret& body, std::vector<std::string>* warnings) override;
  Status start_container(const std::string& id) override;
  Status stop_container(const std::string& id, int timeout_seconds) override;
  Status remove_container(const std::string& id) override;
  Result<int> wait_container(const std::string& id, int timeout_ms) override;
  Result<std::vector<std::string>> container_logs(const std::string& id, int lines) override;

  // The one container named taupageapp, or null.
  FakeContainer* app();
  std::string last_registry_auth;

 private:
  std::optional<std::string> take_failure(const std::string& call);
  int next_id_ = 1;
};

}  // namespace taupage::testing
