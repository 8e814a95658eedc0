#include "steps/step_health.h"

#include "docker/health_check.h"
#include "steps/container_spec.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

std::vector<PlanAction> HealthStep::describe(const Config& config) const {
  if (config.health_check_path.empty() || !config.health_check_port) return {};
  return {{strfmt("GET http://127.0.0.1:%u%s until 200, at most %d s", *config.health_check_port, config.health_check_path.c_str(),
                  config.health_check_timeout_seconds),
           config.line_of("health_check_path")}};
}

Outcome HealthStep::run(Context& context) {
  const Config& config = context.config;
  if (config.health_check_path.empty()) return Outcome::skipped("no health_check_path configured");
  if (!config.health_check_port) return Outcome::skipped("no health check port (no TCP port mapped)");
  if (!context.services.docker || !context.services.http) return Outcome::failed("no Docker or HTTP client in this run");
  HealthCheck check;
  check.port = *config.health_check_port;
  check.path = config.health_check_path;
  check.timeout_seconds = config.health_check_timeout_seconds;
  auto healthy = wait_until_healthy(*context.services.http, *context.services.docker, kContainerName, check, context.clock,
                                    [](const std::string& line) { Log::warn("health     " + line); });
  if (!healthy) return Outcome::failed(healthy.error().message());
  return Outcome::kept(*healthy);
}

}  // namespace taupage
