#include "boot/step_registry.h"

#include "boot/step_applog.h"
#include "boot/step_container.h"
#include "boot/step_credentials.h"
#include "boot/step_firewall.h"
#include "boot/step_health.h"
#include "boot/step_log_agents.h"
#include "boot/step_meta.h"
#include "boot/step_notify.h"
#include "boot/step_secrets.h"
#include "boot/step_shutdown.h"
#include "boot/step_ssh.h"
#include "boot/step_sysctl.h"
#include "boot/step_mounts.h"
#include "boot/step_raid.h"
#include "boot/step_volumes.h"

namespace taupage {

StepList all_steps() {
  StepList steps;
  // early stage
  steps.push_back(make_firewall_step());
  steps.push_back(make_volumes_step());
  steps.push_back(make_raid_step());
  steps.push_back(make_mounts_step());
  // system stage
  steps.push_back(make_ssh_step());
  steps.push_back(make_sysctl_step());
  steps.push_back(make_applog_step());
  steps.push_back(make_log_agents_step());
  // late stage
  steps.push_back(make_meta_step());
  steps.push_back(std::make_unique<SecretsStep>());
  steps.push_back(std::make_unique<CredentialsStep>());
  steps.push_back(std::make_unique<ContainerStep>());
  steps.push_back(std::make_unique<HealthStep>());
  steps.push_back(std::make_unique<NotifyStep>());
  steps.push_back(make_shutdown_step());
  return steps;
}

}  // namespace taupage
