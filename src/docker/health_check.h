/// The HTTP health check of the application: GET http://127.0.0.1:<port><path> every 2 s until
/// it answers 200 or the time is up. While waiting it watches the container, and fails at once,
/// with the exit code and the last lines of its log, when the application exits or restarts.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "docker/docker_api.h"
#include "net/http.h"
#include "util/clock.h"

namespace taupage {

struct HealthCheck {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string path = "/";
  int timeout_seconds = 60;
  int interval_ms = 2000;
  int request_timeout_ms = 5000;
  int log_lines = 10;  // of the container's log, when it died
};

// Ok: one line ("HTTP 200 from ... after 3.1 s (2 tries)"); Error: why it is not healthy, with
// the last status seen. Log lines of a dead container go to `show` first (secrets redacted).
Result<std::string> wait_until_healthy(HttpClient& http, DockerApi& docker, const std::string& container, const HealthCheck& check,
                                       Clock& clock, const std::function<void(const std::string&)>& show);

}  // namespace taupage
