#include "config/config.h"

#include "util/strings.h"

namespace taupage {

const char* shutdown_name(ShutdownWhen when) {
  switch (when) {
    case ShutdownWhen::Never: return "never";
    case ShutdownWhen::OnExit: return "on-exit";
    case ShutdownWhen::OnSuccess: return "on-success";
  }
  return "never";
}

const char* scalyr_region_name(ScalyrRegion region) { return region == ScalyrRegion::Eu ? "eu" : "us"; }

std::string Networking::text() const {
  switch (mode) {
    case NetworkMode::Bridge: return "bridge";
    case NetworkMode::Host: return "host";
    case NetworkMode::None: return "none";
    case NetworkMode::Container: return "container:" + container;
  }
  return "bridge";
}

std::string PortMapping::address() const { return path_key("$.ports", strfmt("%u/%s", host_port, protocol_name(protocol))); }

Origin Config::origin_of(const std::string& address) const { return provenance.at(address); }

std::string Config::line_of(const std::string& key) const { return origin_of(path_key("$", key)).line_text(); }

bool Config::has_encrypted_values() const {
  for (const auto& var : environment) {
    if (var.encrypted) return true;
  }
  return (logentries_account_key && logentries_account_key->encrypted) || (scalyr_account_key && scalyr_account_key->encrypted);
}

}  // namespace taupage
