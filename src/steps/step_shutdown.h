/// The `shutdown` step (late stage, last): for batch jobs, as the original's `shutdown` option.
/// After a successful boot it waits until the container has stopped for good (exited, and not
/// about to be restarted by its policy), then powers the machine off: always with `on-exit`,
/// only on exit code 0 with `on-success`. CloudFormation already heard SUCCESS and hears
/// nothing more.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/step.h"

namespace taupage {

// Asks the init system to power the machine off; the argument is --root.
using PowerOff = std::function<Status(const std::string& root)>;

// systemd's documented request: SIGRTMIN+4 to PID 1 starts poweroff.target, so that every unit
// stops in order. Refused when <root>/run/systemd/system is missing (no systemd to ask).
Status request_power_off(const std::string& root);

std::unique_ptr<Step> make_shutdown_step(PowerOff power_off = request_power_off);

}  // namespace taupage
