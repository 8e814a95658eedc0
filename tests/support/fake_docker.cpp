#include "support/fake_docker.h"

#include "util/strings.h"

namespace taupage::testing {

std::optional<std::string> FakeDocker::take_failure(const std::string& call) {
  auto it = failures.find(call);
  if (it == failures.end() || it->second.empty()) return std::nullopt;
  std::string message = it->second.front();
  it->second.erase(it->second.begin());
  return message;
}

Result<std::optional<DockerImage>> FakeDocker::inspect_image(const std::string& reference) {
  calls.push_back("inspect_image " + reference);
  auto it = images.find(reference);
  if (it == images.end()) return std::optional<DockerImage>();
  return std::optional<DockerImage>(it->second);
}

Status FakeDocker::pull_image(const ImageReference& image, const Secret& registry_auth,
                              const std::function<void(const Json& message)>& on_message) {
  std::string ref = image.digest.empty() ? image.text() : image.name() + "@" + image.digest;
  calls.push_back("pull " + ref);
  last_registry_auth = registry_auth.reveal();
  if (auto failure = take_failure("pull")) return Error(*failure);
  for (const auto& m : pull_messages) on_message(m);
  auto it = registry.find(ref);
  if (it == registry.end()) return Error("pull " + ref + ": POST /images/create: HTTP 404: manifest unknown");
  images[ref] = it->second;
  return Status::Ok();
}

Result<std::optional<DockerContainer>> FakeDocker::inspect_container(const std::string& name_or_id) {
  calls.push_back("inspect_container " + name_or_id);
  if (auto failure = take_failure("inspect_container")) return Error(*failure);
  for (auto& [id, c] : containers) {
    if (id == name_or_id || c.name == name_or_id) {
      if (on_inspect) on_inspect(c);
      return std::optional<DockerContainer>(c.state);
    }
  }
  return std::optional<DockerContainer>();
}

Result<std::string> FakeDocker::create_container(const std::string& name, const Secret& body, std::vector<std::string>* warnings) {
  calls.push_back("create " + name);
  if (auto failure = take_failure("create")) return Error(*failure);
  for (const auto& [id, c] : containers) {
    if (c.name == name) return Error("POST /containers/create: HTTP 409: Conflict. The container name is already in use");
  }
  auto json = parse_json(body.reveal());
  if (!json) return Error("POST /containers/create: HTTP 400: bad JSON");
  auto image = images.find(json->get_string("Image"));
  if (image == images.end()) return Error("POST /containers/create: HTTP 404: No such image: " + json->get_string("Image"));
  FakeContainer c;
  c.name = name;
  c.body = body.reveal();
  c.state.id = strfmt("%064d", next_id_++);
  c.state.image_id = image->second.id;
  c.state.status = "created";
  for (const auto& [key, value] : json->get("Labels").members()) c.state.labels[key] = value.as_string();
  if (warnings) warnings->push_back("fake warning");
  std::string id = c.state.id;
  containers[id] = std::move(c);
  return id;
}

Status FakeDocker::start_container(const std::string& id) {
  calls.push_back("start " + id.substr(0, 12));
  if (auto failure = take_failure("start")) return Error(*failure);
  auto it = containers.find(id);
  if (it == containers.end()) return Error("HTTP 404: no such container");
  it->second.state.status = "running";
  it->second.state.running = true;
  return Status::Ok();
}

Status FakeDocker::stop_container(const std::string& id, int) {
  calls.push_back("stop " + id.substr(0, 12));
  if (auto failure = take_failure("stop")) return Error(*failure);
  auto it = containers.find(id);
  if (it == containers.end()) return Error("HTTP 404: no such container");
  it->second.state.status = "exited";
  it->second.state.running = false;
  return Status::Ok();
}

Status FakeDocker::remove_container(const std::string& id) {
  calls.push_back("remove " + id.substr(0, 12));
  if (auto failure = take_failure("remove")) return Error(*failure);
  containers.erase(id);
  return Status::Ok();
}

Result<int> FakeDocker::wait_container(const std::string& id, int) {
  calls.push_back("wait " + id.substr(0, 12));
  if (auto failure = take_failure("wait")) return Error(*failure);
  auto it = containers.find(id);
  if (it == containers.end()) return Error("HTTP 404: no such container");
  if (on_wait) {
    on_wait(it->second);
  } else {
    it->second.state.status = "exited";
    it->second.state.running = false;
  }
  return it->second.state.exit_code;
}

Result<std::vector<std::string>> FakeDocker::container_logs(const std::string& id, int lines) {
  calls.push_back("logs " + id.substr(0, 12));
  auto it = containers.find(id);
  if (it == containers.end()) return Error("HTTP 404: no such container");
  const auto& log = it->second.log;
  size_t from = log.size() > size_t(lines) ? log.size() - lines : 0;
  return std::vector<std::string>(log.begin() + static_cast<long>(from), log.end());
}

FakeContainer* FakeDocker::app() {
  for (auto& [id, c] : containers) {
    if (c.name == "taupageapp") return &c;
  }
  return nullptr;
}

}  // namespace taupage::testing
