#include "steps/cfn_signal.h"

#include "aws/cloudformation.h"
#include "aws/throttle_wait.h"
#include "util/files.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

Result<SignalSent> send_cfn_signal(AwsSession& aws, const SignalTarget& target, const std::string& status) {
  std::string what = "SignalResource " + target.stack + "/" + target.resource + " " + status;
  auto identity = aws.imds().identity();
  if (!identity) return Error(identity.error()).wrap(what);
  std::optional<InstanceProof> proof;
  if (auto signature = aws.imds().identity_signature(); signature && !signature->empty()) {
    proof = InstanceProof{identity->document, *signature};
  } else {
    Log::warn(what + ": no identity signature from IMDS; signing with the instance's credentials");
  }
  auto service = aws.service("cloudformation");
  if (!service) return Error(service.error()).wrap(what);
  CloudFormationClient cfn(**service);
  Status sent = repeat_while_throttled(
      aws.clock(), aws.clock().monotonic_ms() + kSignalThrottleDeadlineMs, "notify: " + what,
      [&] {
        return cfn.signal_resource({target.stack, target.resource, identity->instance_id, status}, proof);
      },
      [&]() -> const AwsError& { return cfn.last_error(); });
  SignalSent result;
  if (!sent) {
    if (cfn.last_error().code == "ValidationError") {
      result.no_longer_waiting = true;
      result.detail = strfmt("%s/%s: CloudFormation no longer waits for a signal (%s); not a failure", target.stack.c_str(),
                             target.resource.c_str(), cfn.last_error().describe().c_str());
      Log::warn("notify: " + result.detail);
      return result;
    }
    return Error(sent.error()).wrap(target.stack + "/" + target.resource);
  }
  result.detail = strfmt("%s sent to %s/%s for %s (%s)", status.c_str(), target.stack.c_str(), target.resource.c_str(),
                         identity->instance_id.c_str(), cfn.used_auth().c_str());
  return result;
}

std::optional<std::string> signal_sent_in_boot(const std::string& state_dir, const std::string& boot_id) {
  auto text = read_file(state_dir + "/cfn-signal.json", 64 * 1024);
  if (!text) return std::nullopt;
  auto json = parse_json(*text);
  if (!json || !json->is_object() || json->get_string("boot_id") != boot_id) return std::nullopt;
  std::string status = json->get_string("status");
  if (status.empty()) return std::nullopt;
  return status;
}

void record_signal(const std::string& state_dir, const std::string& boot_id, const std::string& status) {
  Json record = Json::object();
  record.set("boot_id", boot_id);
  record.set("status", status);
  if (auto made = make_dirs(state_dir, 0700); !made) Log::warn("notify: " + made.error().message());
  if (auto st = write_file_atomic(state_dir + "/cfn-signal.json", record.dump(2) + "\n", 0600); !st) {
    Log::warn("notify: the signal record was not saved: " + st.error().message());
  }
}

void signal_failure(AwsSession* aws, const std::optional<SignalTarget>& target, const std::string& state_dir, const std::string& boot_id) {
  if (!target) return;
  if (auto earlier = signal_sent_in_boot(state_dir, boot_id); earlier == "FAILURE") {
    Log::info("notify: FAILURE was already sent to CloudFormation in this boot");
    return;
  } else if (earlier == "SUCCESS") {
    // A step after notify (shutdown) failed: CloudFormation takes one signal per instance.
    Log::info("notify: SUCCESS was already sent to CloudFormation in this boot; it is not told FAILURE after it");
    return;
  }
  if (!aws) {
    Log::error("notify: CloudFormation could not be told FAILURE: no AWS access in this run");
    return;
  }
  aws->imds().set_deadline_ms(kFailureImdsDeadlineMs);
  auto sent = send_cfn_signal(*aws, *target, "FAILURE");
  if (!sent) {
    Log::error("notify: CloudFormation could not be told FAILURE (" + sent.error().message() + "); the failure above is the reason");
    return;
  }
  record_signal(state_dir, boot_id, "FAILURE");
  if (!sent->no_longer_waiting) Log::error("notify: " + sent->detail);
}

std::optional<SignalTarget> notify_target_of(const ConfigRead& read) {
  if (!read.notify_cfn) return std::nullopt;
  return SignalTarget{read.notify_cfn->stack, read.notify_cfn->resource};
}

}  // namespace taupage
