// `taupage decrypt VALUE`: decrypts one aws:kms: value with KMS in the instance's region (or
// AWS_REGION) and prints the plaintext, for operators checking what a config will receive.
#include "aws/kms.h"
#include "cli/args.h"
#include "cli/aws_runtime.h"
#include "cli/command.h"
#include "config/config.h"

namespace taupage {

int run_decrypt(const Command& self, const Args& args) {
  if (args.positionals().empty()) return usage_error(self, "the aws:kms: value to decrypt is missing");
  std::string value = args.positionals()[0];
  if (value.rfind(kKmsPrefix, 0) == 0) value = value.substr(kKmsPrefix.size());
  if (value.empty()) return usage_error(self, "the value to decrypt is empty (aws:kms:<base64>, or the base64 alone)");
  AwsRuntime aws;
  auto service = aws.session.service("kms");
  if (!service) {
    err("taupage decrypt: " + service.error().message() + "\n");
    return kExitFailed;
  }
  KmsClient kms(**service);
  auto plaintext = kms.decrypt(value);
  if (!plaintext) {
    err("taupage decrypt: " + plaintext.error().message() + "\n");
    return kExitFailed;
  }
  out(plaintext->reveal() + "\n");
  return kExitOk;
}

const Command& decrypt_command() {
  static const Command command{"decrypt",
                               "decrypt one aws:kms: value",
                               "taupage decrypt VALUE\n"
                               "  Decrypts VALUE (aws:kms:<base64>, or the base64 alone) with KMS in the instance's region\n"
                               "  (AWS_REGION overrides) and prints the plaintext. Credentials: AWS_ACCESS_KEY_ID and\n"
                               "  AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), else the instance role.\n"
                               "  Exit: 0 decrypted, 1 failed, 2 wrong usage.",
                               {},
                               {},
                               1,
                               run_decrypt};
  return command;
}

}  // namespace taupage
