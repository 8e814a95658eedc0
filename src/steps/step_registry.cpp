#include "steps/step_registry.h"

#include "steps/step_applog.h"
#include "steps/step_container.h"
#include "steps/step_credentials.h"
#include "steps/step_firewall.h"
#include "steps/step_health.h"
#include "steps/step_log_agents.h"
#include "steps/step_meta.h"
#include "steps/step_mounts.h"
#include "steps/step_notify.h"
#include "steps/step_raid.h"
#include "steps/step_secrets.h"
#include "steps/step_shutdown.h"
#include "steps/step_ssh.h"
#include "steps/step_sysctl.h"
#include "steps/step_volumes.h"

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
