/// EngineClient: the Docker Engine API spoken over our own HTTP client, on the unix socket or
/// on tcp:// (DOCKER_HOST). The API version is negotiated from /_ping's Api-Version header on
/// first use, never assumed; errors carry the daemon's own message; every call has a deadline.
#pragma once

#include <string>
#include <string_view>

#include "docker/docker_api.h"
#include "net/http.h"
#include "util/clock.h"

namespace taupage {

// The newest and oldest Engine API versions this client speaks. The daemon's Api-Version is
// used when it is older than kNewestApiVersion; a daemon older than kOldestApiVersion is refused.
inline constexpr std::string_view kNewestApiVersion = "1.51";
inline constexpr std::string_view kOldestApiVersion = "1.24";
inline constexpr std::string_view kDefaultDockerHost = "unix:///var/run/docker.sock";

// Where the daemon listens, from a DOCKER_HOST value (unix:///path or tcp://host:port); empty
// means the default socket. tcp:// is plain HTTP (Docker's TLS variant is not supported).
Result<Endpoint> docker_endpoint(std::string_view docker_host);

// "1.41" < "1.9" is false: compares dotted versions numerically; -1, 0 or 1.
int compare_api_versions(std::string_view a, std::string_view b);

// Frames of a logs response (8-byte headers when the container has no TTY) as text lines.
std::vector<std::string> decode_log_stream(std::string_view body);

struct EngineTimeouts {
  int daemon_wait_ms = 10000;  // keep trying to reach a daemon that refuses connections
  int ping_ms = 5000;
  int call_ms = 30000;
  int pull_ms = 30 * 60 * 1000;      // one pull attempt, the whole stream
  int pull_idle_ms = 5 * 60 * 1000;  // a pull stream silent this long has stalled (a registry that stopped sending)
};

class EngineClient : public DockerApi {
 public:
  // where: the address as the user wrote it (DOCKER_HOST), for messages.
  EngineClient(HttpClient& http, Endpoint endpoint, std::string where, Clock& clock, EngineTimeouts timeouts = {})
      : http_(http), endpoint_(std::move(endpoint)), where_(std::move(where)), clock_(clock), timeouts_(timeouts) {}

  Result<std::string> api_version() override;
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

 private:
  // Sends `request` with the negotiated version prefixed to its target.
  Result<HttpResponse> call(HttpRequest request);
  Error daemon_error(const HttpRequest& request, const HttpResponse& response) const;
  Error unreachable(const Error& cause) const;

  HttpClient& http_;
  Endpoint endpoint_;
  std::string where_;
  Clock& clock_;
  EngineTimeouts timeouts_;
  std::string version_;  // empty until negotiated
};

}  // namespace taupage
