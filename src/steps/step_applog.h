/// The `applog` step (system stage, before dockerd starts the container): where the application's
/// lines end up. The container logs to syslog under its tag; on a machine with rsyslog an rsyslog
/// rule puts them, only the message, in /var/log/application.log (as the original Taupage did),
/// and a logrotate policy from application_logrotate_* rotates that file. Without rsyslog the
/// lines stay in the journal, and nothing is written.
#pragma once

#include <memory>

#include "engine/step.h"

namespace taupage {

std::unique_ptr<Step> make_applog_step();

}  // namespace taupage
