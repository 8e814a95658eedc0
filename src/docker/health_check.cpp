#include "docker/health_check.h"

#include <algorithm>

#include "util/log.h"
#include "util/strings.h"

namespace taupage {

namespace {

// Why the container is not up any more, or empty while it is.
std::string container_trouble(const DockerContainer& c, int restarts_before) {
  if (c.restart_count > restarts_before) {
    return strfmt("the application exited with code %d and was restarted %d time%s by the restart policy%s", c.exit_code,
                  c.restart_count - restarts_before, c.restart_count - restarts_before == 1 ? "" : "s",
                  c.oom_killed ? " (killed for lack of memory)" : "");
  }
  if (!c.running && c.status != "restarting") {
    std::string text = strfmt("the application is %s, exit code %d", c.status.c_str(), c.exit_code);
    if (c.oom_killed) text += " (killed for lack of memory)";
    if (!c.error.empty()) text += ": " + c.error;
    return text;
  }
  return {};
}

}  // namespace

Result<std::string> wait_until_healthy(HttpClient& http, DockerApi& docker, const std::string& container, const HealthCheck& check,
                                       Clock& clock, const std::function<void(const std::string&)>& show) {
  const std::string url = strfmt("http://%s:%u%s", check.host.c_str(), check.port, check.path.c_str());
  auto first = docker.inspect_container(container);
  if (!first) return first.error();
  if (!*first) return Error("there is no container " + container + " to check (the container step makes it)");
  const std::string id = (*first)->id;
  const int restarts_before = (*first)->restart_count;

  Endpoint endpoint;
  endpoint.scheme = "http";
  endpoint.host = check.host;
  endpoint.port = check.port;
  const int64_t start = clock.monotonic_ms();
  const int64_t deadline = start + int64_t(check.timeout_seconds) * 1000;
  std::string last = "no answer yet";
  int tries = 0;

  auto dead = [&](const std::string& trouble) -> Error {
    std::string message = trouble + " while waiting for " + url + " (last: " + last + ")";
    auto logs = docker.container_logs(id, check.log_lines);
    if (logs && !logs->empty()) {
      show(strfmt("the last %zu lines of the log of %s %s:", logs->size(), container.c_str(), short_id(id).c_str()));
      std::vector<std::string> redacted;
      for (const auto& line : *logs) {
        redacted.push_back(Log::redact(line));
        show("  | " + redacted.back());
      }
      std::vector<std::string> tail(redacted.end() - std::min<size_t>(redacted.size(), 3), redacted.end());
      message += "; its log ends: " + join(tail, " | ");
    } else if (!logs) {
      message += "; its log cannot be read: " + logs.error().message();
    }
    return Error(message);
  };

  for (;;) {
    ++tries;
    HttpRequest request;
    request.target = check.path;
    request.headers.emplace_back("User-Agent", "taupage-health-check");
    request.timeout_ms =
        static_cast<int>(std::max<int64_t>(500, std::min<int64_t>(check.request_timeout_ms, deadline - clock.monotonic_ms())));
    auto response = http.send(endpoint, request);
    if (response && response->status == 200) {
      return strfmt("HTTP 200 from %s after %.1f s (%d tr%s)", url.c_str(), (clock.monotonic_ms() - start) / 1000.0, tries,
                    tries == 1 ? "y" : "ies");
    }
    last = response ? strfmt("HTTP %d", response->status) : response.error().message();

    auto now = docker.inspect_container(id);
    if (!now) return std::move(now).error().wrap("health check");
    if (!*now) return Error("the container " + container + " was removed while waiting for " + url + " (last: " + last + ")");
    if (std::string trouble = container_trouble(**now, restarts_before); !trouble.empty()) return dead(trouble);

    if (clock.monotonic_ms() + check.interval_ms > deadline) {
      return Error(
          strfmt("%s did not answer HTTP 200 within %d s (%d tries; last: %s)", url.c_str(), check.timeout_seconds, tries, last.c_str()));
    }
    clock.sleep_ms(check.interval_ms);
  }
}

}  // namespace taupage
