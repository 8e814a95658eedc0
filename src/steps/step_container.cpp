#include "steps/step_container.h"

#include <sys/stat.h>

#include <cstdlib>

#include "aws/aws_session.h"
#include "aws/ecr.h"
#include "docker/engine_client.h"
#include "docker/image_puller.h"
#include "docker/registry_auth.h"
#include "docker/syslog_socket.h"
#include "steps/container_lifecycle.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

namespace {

void say(const std::string& line) { Log::info("container  " + line); }
void warn(const std::string& line) { Log::warn("container  " + line); }

// An ECR registry's login, from GetAuthorizationToken in the registry's own region.
Result<Secret> ecr_registry_auth(Context& context, const EcrRegistry& ecr, const std::string& registry) {
  if (!context.services.aws) return Error("no AWS access in this run");
  auto session_ecr = context.services.aws->service("ecr");
  if (!session_ecr) return session_ecr.error();
  AwsService regional((*session_ecr)->deps(), "ecr", ecr.region);
  AwsService& service = (*session_ecr)->region() == ecr.region ? **session_ecr : regional;
  auto login = EcrClient(service).login(ecr);
  if (!login) return login.error();
  return registry_auth_header(login->username, login->password, registry);
}

// The X-Registry-Auth for the image's registry from the user data's dockercfg; empty when it
// names no such registry.
Result<Secret> user_data_registry_auth(const Config& config) {
  if (config.dockercfg.empty()) return Secret();
  Json auths = Json::object();
  for (const auto& c : config.dockercfg) {
    Json entry = Json::object();
    entry.set("auth", c.auth);
    auths.set(c.server, std::move(entry));
  }
  Json file = Json::object();
  file.set("auths", std::move(auths));
  Secret text(file.dump());
  auto auth = registry_auth_from_config(text.reveal(), config.source.registry, nullptr);
  if (!auth) return std::move(auth).error().wrap("registry credentials in dockercfg");
  return auth;
}

}  // namespace

std::vector<PlanAction> ContainerStep::describe(const Config& config) const {
  return {{describe_container(config), config.line_of("source")}};
}

Outcome ContainerStep::run(Context& context) {
  if (!context.services.docker) return Outcome::failed("no Docker client in this run");
  const Config& config = context.config;

  std::vector<std::string> notes;
  auto auth = load_registry_auth(config.source.registry, context.settings.docker_config_dir, &notes);
  for (const auto& note : notes) warn(note);
  if (!auth) return Outcome::failed(auth.error().message() + "; no container was changed");
  // dockercfg of the user data, for its registries, before DOCKER_CONFIG's.
  if (auto from_user_data = user_data_registry_auth(config); !from_user_data) {
    return Outcome::failed(from_user_data.error().message() + "; no container was changed");
  } else if (!from_user_data->empty()) {
    say("registry " + config.source.registry + ": credentials from dockercfg in the user data");
    auth = std::move(*from_user_data);
  }
  if (auto ecr = parse_ecr_registry(config.source.registry)) {
    auto token = ecr_registry_auth(context, *ecr, config.source.registry);
    if (token) {
      say("registry " + config.source.registry + ": login from ECR GetAuthorizationToken");
      auth = std::move(*token);
    } else {
      warn("registry " + config.source.registry + ": ECR GetAuthorizationToken failed (" + token.error().message() +
           "); pulling with the credentials of config.json, if any");
    }
  }

  auto image = ensure_image(*context.services.docker, config.source, *auth, context.clock, PullPolicy{}, say, warn);
  if (!image) return Outcome::failed(image.error().message() + "; no container was changed");

  HostFacts host{context.settings.root, find_syslog_address(context.settings.root)};
  if (config.docker_daemon_access) {
    const char* docker_host = getenv("DOCKER_HOST");
    auto endpoint = docker_endpoint(docker_host ? docker_host : "");
    if (endpoint && endpoint->scheme == "unix") {
      host.docker_socket = endpoint->socket_path;
      struct stat st {};
      if (::stat(host.docker_socket.c_str(), &st) == 0) host.docker_socket_gid = static_cast<int>(st.st_gid);
    }
  }
  ContainerRequest request{config, host, context.secrets, image->image};
  for (const auto& w : container_spec_warnings(config, request.host)) warn(w);
  auto result = ensure_container(*context.services.docker, request, say, warn);
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

}  // namespace taupage
