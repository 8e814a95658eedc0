/// The application section of user data: what runs and how (application_id and version, the
/// image, ports, health check, environment, capabilities, networking, and the original's container
/// options such as read_only, shm_size and dockercfg), read into the Config with each value's origin.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "config/config.h"
#include "config/top_level_key.h"

namespace taupage {

const std::vector<TopLevelKey>& application_keys();

// The health check's port when health_check_port is not written: the lowest TCP host port.
std::optional<uint16_t> default_health_check_port(const Config& config);

// After the cross-checks: fills the defaults that depend on other keys (the health check port).
void finish_application(Config& config);

}  // namespace taupage
