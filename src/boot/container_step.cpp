#include "boot/container_step.h"

#include "docker/container_lifecycle.h"
#include "docker/health_check.h"
#include "docker/image_puller.h"
#include "docker/registry_auth.h"
#include "docker/syslog_socket.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

namespace {

void say(const std::string& line) { Log::info("container  " + line); }
void warn(const std::string& line) { Log::warn("container  " + line); }

}  // namespace

std::vector<PlanAction> ContainerStep::describe(const Config& config) const {
  return {{describe_container(config), config.line_of("source")}};
}

Outcome ContainerStep::run(Context& context) {
  if (!context.docker) return Outcome::failed("no Docker client in this run");
  const Config& config = context.config;

  std::vector<std::string> notes;
  auto auth = load_registry_auth(config.source.registry, context.docker_config_dir, &notes);
  for (const auto& note : notes) warn(note);
  if (!auth) return Outcome::failed(auth.error().message() + "; no container was changed");

  auto image = ensure_image(*context.docker, config.source, *auth, context.clock, PullPolicy{}, say, warn);
  if (!image) return Outcome::failed(image.error().message() + "; no container was changed");

  ContainerRequest request{config, HostFacts{context.root, find_syslog_address(context.root)}, context.secrets, image->image};
  for (const auto& w : container_spec_warnings(config, request.host)) warn(w);
  auto result = ensure_container(*context.docker, request, say, warn);
  if (!result) return Outcome::failed(result.error().message());

  std::string detail = result->detail;
  if (image->source == ImageSource::LocalFallback) detail += "; WARNING: " + image->detail;
  switch (result->action) {
    case ContainerAction::Created: return Outcome::created(detail);
    case ContainerAction::Kept: return Outcome::kept(detail);
    case ContainerAction::Started:
    case ContainerAction::Recreated: return Outcome::changed(detail);
  }
  return Outcome::failed("unknown container action");
}

std::vector<PlanAction> HealthStep::describe(const Config& config) const {
  if (config.health_check_path.empty() || !config.health_check_port) return {};
  return {{strfmt("GET http://127.0.0.1:%u%s until 200, at most %d s", *config.health_check_port,
                  config.health_check_path.c_str(), config.health_check_timeout_seconds),
           config.line_of("health_check_path")}};
}

Outcome HealthStep::run(Context& context) {
  const Config& config = context.config;
  if (config.health_check_path.empty()) return Outcome::skipped("no health_check_path configured");
  if (!config.health_check_port) return Outcome::skipped("no health check port (no TCP port mapped)");
  if (!context.docker || !context.http) return Outcome::failed("no Docker or HTTP client in this run");
  HealthCheck check;
  check.port = *config.health_check_port;
  check.path = config.health_check_path;
  check.timeout_seconds = config.health_check_timeout_seconds;
  auto healthy = wait_until_healthy(*context.http, *context.docker, kContainerName, check, context.clock,
                                    [](const std::string& line) { Log::warn("health     " + line); });
  if (!healthy) return Outcome::failed(healthy.error().message());
  return Outcome::kept(*healthy);
}

}  // namespace taupage
