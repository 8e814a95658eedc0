#include "docker/registry_auth.h"

#include "util/base64.h"
#include "util/files.h"
#include "util/json.h"
#include "util/strings.h"

namespace taupage {

namespace {

// "https://pierone.example.org/v1/" -> "pierone.example.org"; Docker Hub's many spellings -> "".
std::string server_key(std::string_view key) {
  std::string_view k = trim(key);
  if (auto scheme = k.find("://"); scheme != std::string_view::npos) k = k.substr(scheme + 3);
  if (auto slash = k.find('/'); slash != std::string_view::npos) k = k.substr(0, slash);
  std::string host = to_lower(k);
  if (host == "index.docker.io" || host == "docker.io" || host == "registry-1.docker.io") return "";
  return host;
}

std::string base64url(std::string_view bytes) {
  std::string text = base64_encode(bytes);
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

}  // namespace

Secret registry_auth_header(const std::string& username, const Secret& password, const std::string& server) {
  Json auth = Json::object();
  auth.set("username", username);
  auth.set("password", password.reveal());
  auth.set("serveraddress", server);
  return Secret(base64url(auth.dump()));
}

Result<Secret> registry_auth_from_config(std::string_view config_text, const std::string& registry, std::vector<std::string>* notes) {
  auto parsed = parse_json(config_text, JsonLimits{1 << 20, 16});
  if (!parsed || !parsed->is_object()) return Error("not a JSON object");
  const Json& config = *parsed;
  const std::string wanted = server_key(registry);
  const std::string server = registry.empty() ? "https://index.docker.io/v1/" : registry;

  // config.json keeps entries under "auths"; the legacy .dockercfg is that map itself.
  const Json& auths = config.has("auths") ? config.get("auths") : config;
  for (const auto& [key, entry] : auths.members()) {
    if (server_key(key) != wanted || !entry.is_object()) continue;
    if (!entry.get_string("identitytoken").empty()) {
      Json token = Json::object();
      token.set("identitytoken", entry.get_string("identitytoken"));
      token.set("serveraddress", server);
      return Secret(base64url(token.dump()));
    }
    std::string user = entry.get_string("username");
    Secret password(entry.get_string("password"));
    if (std::string encoded = entry.get_string("auth"); !encoded.empty()) {
      auto decoded = base64_decode(encoded);
      if (!decoded) return Error("the auth entry for " + quote(key) + " is not base64");
      Secret pair(std::move(*decoded));
      auto colon = pair.reveal().find(':');
      if (colon == std::string::npos) return Error("the auth entry for " + quote(key) + " is not base64 of user:password");
      user = pair.reveal().substr(0, colon);
      password = Secret(pair.reveal().substr(colon + 1));
    }
    if (user.empty() && password.empty()) break;
    return registry_auth_header(user, password, server);
  }
  if (notes) {
    const Json& helpers = config.get("credHelpers");
    for (const auto& [key, helper] : helpers.members()) {
      if (server_key(key) == wanted && helper.is_string()) {
        notes->push_back("the credential helper docker-credential-" + helper.as_string() + " configured for " + key +
                         " is not run (Taupage runs no helper programs); pulling without credentials");
      }
    }
    if (config.has("credsStore") && helpers.members().empty()) {
      notes->push_back("the credential store docker-credential-" + config.get_string("credsStore") +
                       " is not run (Taupage runs no helper programs); pulling without credentials");
    }
  }
  return Secret();
}

Result<Secret> load_registry_auth(const std::string& registry, const std::string& docker_config_dir, std::vector<std::string>* notes) {
  std::vector<std::string> candidates;
  if (!docker_config_dir.empty()) {
    candidates.push_back(docker_config_dir + "/config.json");
  } else {
    candidates = {"/root/.docker/config.json", "/root/.dockercfg"};
  }
  for (const auto& path : candidates) {
    if (!path_exists(path)) continue;
    auto text = read_file(path, 1 << 20);
    if (!text) return std::move(text).error().wrap("registry credentials");
    Secret contents(std::move(*text));
    auto auth = registry_auth_from_config(contents.reveal(), registry, notes);
    if (!auth) return std::move(auth).error().wrap("registry credentials in " + path);
    return auth;
  }
  return Secret();
}

}  // namespace taupage
