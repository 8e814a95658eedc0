#include "boot/command.h"

#include <unistd.h>

#include "util/log.h"
#include "util/strings.h"

namespace taupage {

int run_check(const std::vector<std::string>& args);
int run_plan(const std::vector<std::string>& args);
int run_boot(const std::vector<std::string>& args);
int run_version(const std::vector<std::string>& args);
int run_decrypt(const std::vector<std::string>& args);
int run_signal(const std::vector<std::string>& args);
int run_metadata(const std::vector<std::string>& args);
int run_credentials(const std::vector<std::string>& args);

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = {
      {"check", "validate user data", "taupage check [FILE|-] [--strict]\n"
       "  Validates user data (default: standard input) and prints every error and warning with its\n"
       "  path, line and column. --strict makes every key that would be ignored an error:\n"
       "  unknown keys, and options of the original Taupage that this one ignores (warnings\n"
       "  otherwise, each saying why). Set to false or left empty, such an option asks for\n"
       "  nothing and draws no message in either mode.\n"
       "  Exit: 0 valid, 1 invalid, 2 wrong usage.", run_check},
      {"plan", "print every action boot would take", "taupage plan [FILE|-] [--json]\n"
       "  Prints, stage by stage, what each step would do for this user data, with the line each\n"
       "  action comes from. Secret values print masked. Touches nothing.\n"
       "  Exit: 0 planned, 1 invalid user data, 2 wrong usage.", run_plan},
      {"boot", "run the boot stages", "taupage boot [--config FILE] [--stage early|system|late|all] [--root DIR]\n"
       "             [--only STEP,...] [--dry-run] [--state-dir DIR] [--volume-timeout SECONDS]\n"
       "             [--defer-after SECONDS] [--sysfs DIR] [--dev DIR]\n"
       "  Runs the steps of a stage (default: all three, in order) and writes the report to\n"
       "  <state-dir>/report-<stage>.json (default state dir /run/taupage). Without --config the\n"
       "  user data comes from the instance metadata service. Reports are readable by root only.\n"
       "  --only: these steps of the stage; an earlier failure of the stage in this boot stands\n"
       "  until the step that failed runs again and succeeds. The late stage runs only after the\n"
       "  early and system stages of this boot completed (--dry-run reads no report).\n"
       "  --volume-timeout: how long the volumes step waits for an available EBS volume (default\n"
       "  1200). --defer-after (early stage, in the initramfs): past SECONDS, the steps that wait\n"
       "  (volumes, raid, mounts) are deferred to a run on the real root; the firewall stays.\n"
       "  --sysfs and --dev: where the kernel lists disks and keeps device nodes (default\n"
       "  /sys and /dev; tests point them at a fake tree).\n"
       "  Exit: 0 done, 1 invalid user data or a step failed, 2 wrong usage.", run_boot},
      {"decrypt", "decrypt one aws:kms: value", "taupage decrypt VALUE\n"
       "  Decrypts VALUE (aws:kms:<base64>, or the base64 alone) with KMS in the instance's region\n"
       "  (AWS_REGION overrides) and prints the plaintext. Credentials: AWS_ACCESS_KEY_ID and\n"
       "  AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), else the instance role.\n"
       "  Exit: 0 decrypted, 1 failed, 2 wrong usage.", run_decrypt},
      {"signal", "send the CloudFormation signal by hand", "taupage signal SUCCESS|FAILURE [--config FILE | --stack S --resource R]\n"
       "  Sends SignalResource for this instance, as cfn-signal does (CFN_V1 with the instance\n"
       "  identity document; SigV4 with the instance's credentials as the fallback). The stack and\n"
       "  resource come from notify_cfn in FILE or from --stack and --resource.\n"
       "  Exit: 0 sent, 1 failed or CloudFormation no longer waits for a signal, 2 wrong usage.", run_signal},
      {"credentials", "keep the application's credentials from the mint bucket fresh",
       "taupage credentials [--config FILE] [--root DIR] [--once] [--interval SECONDS]\n"
       "  Fetches s3://<mint_bucket>/<application_id>/user.json and client.json with the instance's\n"
       "  role, checks that each is JSON and writes it into <root>/meta/credentials when it changed\n"
       "  (atomically; owner uid 999, mode 0400, in a folder only root and gid 999 may enter).\n"
       "  Repeats every --interval seconds (default 120, +-10 % jitter); after failures the pause\n"
       "  doubles, up to 15 minutes. --once fetches once. Without --config the user data comes from\n"
       "  the instance metadata service; --root (default /) is where /meta is. Without mint_bucket in\n"
       "  the user data there is nothing to do.\n"
       "  Exit: 0 fetched (or nothing to fetch), 1 --once failed or the user data is unusable,\n"
       "  2 wrong usage.", run_credentials},
      {"metadata", "print the instance identity as JSON", "taupage metadata\n"
       "  Prints the instance identity document and the instance profile's role name as JSON, read\n"
       "  over IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the address).\n"
       "  Exit: 0 printed, 1 IMDS failed, 2 wrong usage.", run_metadata},
      {"version", "print the version and the pinned dependencies", "taupage version [--json]\n"
       "  Prints the version; --json adds every compiled-in dependency with its pinned version\n"
       "  and SHA-256, and the glibc and libstdc++ linked in.", run_version},
  };
  return commands;
}

const Command& command_named(const std::string& name) {
  for (const auto& command : all_commands()) {
    if (name == command.name) return command;
  }
  return all_commands().front();
}

void out(const std::string& text) { write_all(1, text); }
void err(const std::string& text) { write_all(2, printable(Log::redact(text))); }

int usage_error(const Command& command, const std::string& message) {
  std::string usage = command.usage;
  err("taupage " + std::string(command.name) + ": " + message + "\nusage: " + usage.substr(0, usage.find('\n')) + "\n");
  return kExitUsage;
}

}  // namespace taupage
