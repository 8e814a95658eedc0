/// Telling CloudFormation how the boot went: SignalResource with the instance id as UniqueId,
/// authenticated as cfn-signal does (CFN_V1, SigV4 fallback). A record in the state folder
/// says what this boot already sent, so SUCCESS never follows FAILURE and FAILURE is sent once.
/// A ValidationError (the resource no longer waits, as after a reboot) is logged, not a failure.
#pragma once

#include <optional>
#include <string>

#include "aws/aws_session.h"
#include "config/config_reader.h"
#include "util/result.h"

namespace taupage {

struct SignalTarget {
  std::string stack;
  std::string resource;
};

struct SignalSent {
  bool no_longer_waiting = false;  // CloudFormation answered ValidationError: logged, not a failure
  std::string detail;              // one line for the step outcome
};

// Throttling (a fleet signalling at once) is repeated for up to this long; then it is a failure.
inline constexpr int64_t kSignalThrottleDeadlineMs = 5 * 60 * 1000;
Result<SignalSent> send_cfn_signal(AwsSession& aws, const SignalTarget& target, const std::string& status);

// What this boot already sent ("SUCCESS", "FAILURE"), from <state_dir>/cfn-signal.json.
std::optional<std::string> signal_sent_in_boot(const std::string& state_dir, const std::string& boot_id);
void record_signal(const std::string& state_dir, const std::string& boot_id, const std::string& status);

// The failure path: sends FAILURE unless this boot already sent a signal (FAILURE, or SUCCESS
// before a later step failed). Never fails: a failure to
// signal is logged beside the original failure, which stays the reason. IMDS gets at most
// kFailureImdsDeadlineMs here, so that a host without IMDS reports its failure promptly.
inline constexpr int64_t kFailureImdsDeadlineMs = 5000;
void signal_failure(AwsSession* aws, const std::optional<SignalTarget>& target, const std::string& state_dir, const std::string& boot_id);

// Where to send FAILURE for user data the reader refused: its notify_cfn, when that key itself
// was valid.
std::optional<SignalTarget> notify_target_of(const ConfigRead& read);

}  // namespace taupage
