#include "steps/step_secrets.h"

#include <algorithm>

#include "aws/aws_session.h"
#include "aws/kms.h"
#include "aws/throttle_wait.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

namespace {
struct EncryptedValue {
  std::string name;
  std::string ciphertext;
  std::string line;
};

std::vector<EncryptedValue> encrypted_values(const Config& config) {
  std::vector<EncryptedValue> values;
  for (const auto& env : config.environment) {
    if (env.encrypted) values.push_back({env.name, env.ciphertext, strfmt("line %d", env.mark.line)});
  }
  // The log agents' keys are decrypted by the system stage's logagents step, which needs them
  // before the agents start; nothing in this stage reads them.
  return values;
}
}  // namespace

std::vector<PlanAction> SecretsStep::describe(const Config& config) const {
  std::vector<PlanAction> actions;
  for (const auto& v : encrypted_values(config)) {
    actions.push_back({v.name + " = aws:kms:**** (decrypted with KMS in the instance's region)", v.line});
  }
  return actions;
}

Outcome SecretsStep::run(Context& context) {
  auto values = encrypted_values(context.config);
  if (values.empty()) return Outcome::skipped("no aws:kms: values in the config");
  if (!context.services.aws)
    return Outcome::failed("no AWS access in this run; " + std::to_string(values.size()) + " aws:kms: values left encrypted");
  auto service = context.services.aws->service("kms");
  if (!service) return Outcome::failed("KMS: " + service.error().message());
  KmsClient kms(**service);
  int64_t deadline = context.clock.monotonic_ms() + kThrottleDeadlineMs;
  std::vector<std::string> names;
  for (const auto& value : values) {
    Result<Secret> plaintext = repeat_while_throttled(
        context.clock, deadline, "secrets: KMS Decrypt of " + value.name, [&] { return kms.decrypt(value.ciphertext); },
        [&]() -> const AwsError& { return kms.last_error(); });
    if (!plaintext) {
      return Outcome::failed(strfmt("%s (%s): %s; %zu of %zu values decrypted, nothing else changed", value.name.c_str(),
                                    value.line.c_str(), plaintext.error().message().c_str(), names.size(), values.size()));
    }
    // A NUL cannot travel in a process's environment: the container would see a cut value.
    if (plaintext->reveal().find('\0') != std::string::npos) {
      return Outcome::failed(
          strfmt("%s (%s): the decrypted value contains a NUL byte, which an environment variable cannot hold; "
                 "%zu of %zu values decrypted, nothing else changed",
                 value.name.c_str(), value.line.c_str(), names.size(), values.size()));
    }
    Log::add_redaction(plaintext->reveal());
    context.secrets[value.name] = std::move(*plaintext);
    names.push_back(value.name);
  }
  return Outcome::created(strfmt("%zu values decrypted in %s: %s", names.size(), (*service)->region().c_str(), join(names, ", ").c_str()));
}

}  // namespace taupage
