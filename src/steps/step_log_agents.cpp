#include "steps/step_log_agents.h"

#include <sys/stat.h>

#include "aws/aws_session.h"
#include "aws/kms.h"
#include "aws/throttle_wait.h"
#include "host/application_log.h"
#include "host/logentries_config.h"
#include "host/scalyr_agent_config.h"
#include "steps/container_spec.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

// The logs the original's documentation promises both agents follow.
const std::vector<std::string>& followed_logs() {
  static const std::vector<std::string> logs = {"/var/log/syslog", "/var/log/auth.log", "/var/log/audit.log", kApplicationLogPath};
  return logs;
}

constexpr const char* kDefaultApplicationParser = "slf4j";
constexpr const char* kSystemLogParser = "systemLog";
// Where the agents' packages put their programs: only to say whether anything reads the file.
constexpr const char* kScalyrProgram = "/usr/sbin/scalyr-agent-2";
constexpr const char* kLogentriesProgram = "/usr/bin/le";

std::string application_parser(const Config& config) {
  return config.scalyr_application_log_parser.empty() ? kDefaultApplicationParser : config.scalyr_application_log_parser;
}

std::string scalyr_server(const Config& config) { return config.scalyr_region == ScalyrRegion::Eu ? kScalyrServerEu : kScalyrServerUs; }

std::string key_text(const MaybeEncrypted& key, const char* name) {
  return strfmt("%s **** (%s)", name, key.encrypted ? "aws:kms:, decrypted with KMS at boot" : "as written");
}

// An account key is one word. Space around it is dropped (a plaintext encrypted with `echo` ends
// in a newline); a space or control character inside would break the agent's file (a newline
// could even add lines to Logentries' INI file), so it is refused, never quoted.
Result<Secret> one_word(std::string_view text, const MaybeEncrypted& key, const char* name) {
  std::string_view word = trim(text);
  bool ok = !word.empty();
  for (char c : word) ok = ok && static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
  if (!ok) {
    return Error(strfmt("%s (line %d): the %s is not one word (an account key has no spaces or control characters)", name, key.mark.line,
                        key.encrypted ? "decrypted value" : "value"));
  }
  Log::add_redaction(word);
  return Secret(std::string(word));
}

// The key in plain text: decrypted when it is an aws:kms: value. Either way it is redacted from
// every later log line.
Result<Secret> account_key(Context& context, const MaybeEncrypted& key, const char* name) {
  if (!key.encrypted) return one_word(key.value, key, name);
  if (!context.services.aws) return Error(strfmt("%s (line %d) is an aws:kms: value and this run has no AWS access", name, key.mark.line));
  auto service = context.services.aws->service("kms");
  if (!service) return Error(service.error()).wrap(name);
  KmsClient kms(**service);
  int64_t deadline = context.clock.monotonic_ms() + kLogAgentsThrottleDeadlineMs;
  Result<Secret> plaintext = repeat_while_throttled(
      context.clock, deadline, strfmt("logagents: KMS Decrypt of %s", name), [&] { return kms.decrypt(key.ciphertext); },
      [&]() -> const AwsError& { return kms.last_error(); });
  if (!plaintext) return Error(plaintext.error()).wrap(strfmt("%s (line %d)", name, key.mark.line));
  Log::add_redaction(plaintext->reveal());
  return one_word(plaintext->reveal(), key, name);
}

// Writes a file that holds a key: root:root 0600, replaced atomically, and only when it differs
// (in content, owner or mode). The item for the outcome.
Result<std::pair<std::string, OutcomeKind>> place_secret_file(const std::string& root, const char* path, const std::string& content,
                                                              const std::string& note) {
  std::string host = host_path(root, path);
  struct stat st {};
  bool existed = ::lstat(host.c_str(), &st) == 0;
  if (existed && S_ISREG(st.st_mode) && st.st_uid == 0 && (st.st_mode & 07777) == 0600) {
    auto current = read_file(host, 1 << 20);
    if (current && *current == content) return std::pair<std::string, OutcomeKind>{std::string(path) + " kept" + note, OutcomeKind::Kept};
  }
  if (auto made = make_dirs(host.substr(0, host.rfind('/'))); !made) return Error(made.error());
  if (auto written = write_file_atomic(host, content, 0600, FileOwner{0, 0}); !written) return Error(written.error());
  return std::pair<std::string, OutcomeKind>{std::string(path) + (existed ? " rewritten" : " written") + note,
                                             existed ? OutcomeKind::Changed : OutcomeKind::Created};
}

std::string not_installed_note(const std::string& root, const char* program, const char* agent) {
  if (path_exists(host_path(root, program))) return "";
  return strfmt(" (%s is not installed here: nothing reads it yet)", agent);
}

class LogAgentsStep : public Step {
 public:
  std::string_view name() const override { return "logagents"; }
  Stage stage() const override { return Stage::System; }

  std::vector<PlanAction> describe(const Config& config) const override {
    std::vector<PlanAction> actions;
    const std::string logs = join(followed_logs(), ", ");
    if (config.scalyr_account_key) {
      actions.push_back(
          {strfmt("Scalyr agent: %s (root 0600) with %s, server %s (scalyr_region %s%s), following %s "
                  "(application log parser %s, JSON web tokens redacted; the others %s), attributes application_id, "
                  "application_version, stack, source, image and the instance's region, account, host name and id",
                  kScalyrAgentConfigPath, key_text(*config.scalyr_account_key, "scalyr_account_key").c_str(), scalyr_server(config).c_str(),
                  scalyr_region_name(config.scalyr_region), config.provenance.is_written("$.scalyr_region") ? "" : ", the default",
                  logs.c_str(), application_parser(config).c_str(), kSystemLogParser),
           config.line_of("scalyr_account_key")});
    }
    if (config.logentries_account_key) {
      actions.push_back({strfmt("Logentries agent: %s (root 0600) with %s, following %s, each to %s-%s/<file>", kLogentriesConfigPath,
                                key_text(*config.logentries_account_key, "logentries_account_key").c_str(), logs.c_str(),
                                config.application_id.c_str(), config.application_version.c_str()),
                         config.line_of("logentries_account_key")});
    }
    return actions;
  }

  Outcome run(Context& context) override {
    const Config& config = context.config;
    if (!config.scalyr_account_key && !config.logentries_account_key) {
      return Outcome::skipped("no scalyr_account_key or logentries_account_key in the config");
    }
    std::vector<std::pair<std::string, OutcomeKind>> items;
    if (config.scalyr_account_key) {
      auto written = scalyr(context);
      if (!written) return Outcome::failed(Error(written.error()).wrap("Scalyr agent").message() + "; its configuration was not changed");
      items.push_back(*written);
    }
    if (config.logentries_account_key) {
      auto written = logentries(context);
      if (!written)
        return Outcome::failed(Error(written.error()).wrap("Logentries agent").message() + "; its configuration was not changed");
      items.push_back(*written);
    }
    return combined_outcome(items);
  }

 private:
  Result<std::pair<std::string, OutcomeKind>> scalyr(Context& context) {
    const Config& config = context.config;
    auto key = account_key(context, *config.scalyr_account_key, "scalyr_account_key");
    if (!key) return Error(key.error());
    if (!context.services.aws) return Error("the instance's attributes need the instance metadata service, and this run has no AWS access");
    auto identity = context.services.aws->imds().identity();
    if (!identity) return Error(identity.error()).wrap("the instance identity document");
    auto hostname = context.services.aws->imds().get_optional("/latest/meta-data/local-hostname");
    if (!hostname) return Error(hostname.error()).wrap("the instance's host name");

    ScalyrAgentSettings settings;
    settings.api_key = std::move(*key);
    settings.server = scalyr_server(config);
    settings.server_attributes = {
        {"serverHost", config.application_id},
        {"application_id", config.application_id},
        {"application_version", config.application_version},
        {"stack", config.notify_cfn ? config.notify_cfn->stack : ""},
        {"source", config.source.text()},
        {"image", config.source.name()},
        {"aws_region", identity->region},
        {"aws_account", identity->account_id},
        {"aws_ec2_hostname", hostname->value_or("")},
        {"aws_ec2_instance_id", identity->instance_id},
    };
    for (const auto& path : followed_logs()) {
      bool application = path == kApplicationLogPath;
      settings.logs.push_back({path, application ? application_parser(config) : kSystemLogParser, application});
    }
    return place_secret_file(
        context.settings.root, kScalyrAgentConfigPath, render_scalyr_agent_config(settings),
        strfmt(", server %s", settings.server.c_str()) + not_installed_note(context.settings.root, kScalyrProgram, "scalyr-agent-2"));
  }

  Result<std::pair<std::string, OutcomeKind>> logentries(Context& context) {
    const Config& config = context.config;
    auto key = account_key(context, *config.logentries_account_key, "logentries_account_key");
    if (!key) return Error(key.error());
    LogentriesSettings settings{std::move(*key), config.application_id + "-" + config.application_version, followed_logs()};
    return place_secret_file(context.settings.root, kLogentriesConfigPath, render_logentries_config(settings),
                             not_installed_note(context.settings.root, kLogentriesProgram, "the Logentries agent (le)"));
  }
};

}  // namespace

std::unique_ptr<Step> make_log_agents_step() { return std::make_unique<LogAgentsStep>(); }

}  // namespace taupage
