#include "config/original_options.h"

namespace taupage {

namespace {

constexpr const char* kNotImplemented = "this Taupage does not implement it";
constexpr const char* kNoAppDynamics = "it needs the AppDynamics agents, which this image does not carry";
constexpr const char* kNoPlanb = "it needs the planb-tokeninfo service, which this image does not carry";
constexpr const char* kNoOpa = "it needs the Open Policy Agent, which this image does not carry";
constexpr const char* kAmiPreset = "the original's image set it for its own agents, which this image does not carry";
constexpr const char* kLogAgents = "this Taupage does not configure that log agent";

}  // namespace

const std::vector<OriginalOption>& original_only_options() {
  static const std::vector<OriginalOption> options = {
      {"newrelic_account_key", "it needs the New Relic agents, which this image does not carry"},
      {"appdynamics_application", kNoAppDynamics},
      {"appdynamics_account_name", kNoAppDynamics},
      {"appdynamics_account_access_key", kNoAppDynamics},
      {"appdynamics_account_globalname", kNoAppDynamics},
      {"appdynamics_enable_logging", kNoAppDynamics},
      {"appdynamics_machineagent_tiername", kNoAppDynamics},
      {"appdynamics_include_scala_classes", kNoAppDynamics},
      {"nodejs_disable_snapshots", kNoAppDynamics},
      {"etcd_discovery_domain", "it needs the etcd proxy, which this image does not carry"},
      {"local_planb_tokeninfo", kNoPlanb},
      {"local_planb_tokeninfo_introspection", kNoPlanb},
      {"local_planb_tokeninfo_lightstep_token", kNoPlanb},
      {"deployment_id", kNoPlanb},
      {"opa_enabled", kNoOpa},
      {"opa_host_url", kNoOpa},
      {"opa_service_url", kNoOpa},
      {"opa_iam_role", kNoOpa},
      {"opa_service_name", kNoOpa},
      {"xray_enabled", "it needs the AWS X-Ray daemon, which this image does not carry"},
      {"cloudwatch_logs", "it needs the CloudWatch Logs agent, which this image does not carry"},
      {"enhanced_cloudwatch_metrics", "it needs the CloudWatch metrics scripts, which this image does not carry"},
      {"healthcheck",
       "the ELB health check needs Elastic Load Balancing calls this Taupage does not make; "
       "use health_check_path (and the load balancer's own check)"},
      {"tokeninfo_url", kAmiPreset},
      {"oauth_access_token_url", kAmiPreset},
      {"token_service_url", kAmiPreset},
      {"upstream_tokeninfo_url", kAmiPreset},
      {"access_token_url", kAmiPreset},
      {"openid_provider_configuration_url", kAmiPreset},
      {"revocation_provider_url", kAmiPreset},
      {"tokeninfo_business_partners", kAmiPreset},
      {"instance_logs_url", kAmiPreset},
      {"logsink_username", kAmiPreset},
      {"logsink_password", kAmiPreset},
      {"ssh_gateway_ports", kNotImplemented},
      {"keep_instance_users", kNotImplemented},
      {"sysfs", kNotImplemented},
      {"nat_gateways", kNotImplemented},
      {"logging", kLogAgents},
      {"scalyr_custom_log_parser", kLogAgents},
      {"rsyslog_max_message_size", kLogAgents},
      {"rsyslog_aws_metadata", kLogAgents},
      {"rsyslog_application_log_format", kLogAgents},
      {"customlog_logrotate_size", kLogAgents},
      {"customlog_logrotate_interval", kLogAgents},
      {"customlog_logrotate_rotate", kLogAgents},
  };
  return options;
}

const OriginalOption* find_original_option(const std::string& key) {
  for (const auto& option : original_only_options()) {
    if (key == option.key) return &option;
  }
  return nullptr;
}

}  // namespace taupage
