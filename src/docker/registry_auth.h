/// Registry credentials for a pull, read from the Docker CLI's config.json (DOCKER_CONFIG,
/// else /root/.docker/config.json, else the legacy /root/.dockercfg) and turned into the
/// X-Registry-Auth header value. Credential helpers are programs, which Taupage does not run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"
#include "util/secret.h"

namespace taupage {

// The X-Registry-Auth value for `registry` ("pierone.example.org", "127.0.0.1:5000", empty for
// Docker Hub) from the text of a config.json (or legacy .dockercfg); empty when it holds none.
// Notes a person should see (a credential helper that is not used) go to `notes`.
Result<Secret> registry_auth_from_config(std::string_view config_text, const std::string& registry, std::vector<std::string>* notes);

// The X-Registry-Auth value for given credentials: base64url of the JSON Docker expects.
Secret registry_auth_header(const std::string& username, const Secret& password, const std::string& server);

// Finds and reads the config file: $DOCKER_CONFIG/config.json when DOCKER_CONFIG is set
// (docker_config_dir), else /root/.docker/config.json, else /root/.dockercfg; no file, no auth.
Result<Secret> load_registry_auth(const std::string& registry, const std::string& docker_config_dir, std::vector<std::string>* notes);

}  // namespace taupage
