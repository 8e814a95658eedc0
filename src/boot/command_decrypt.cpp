// `taupage decrypt VALUE`: decrypts one aws:kms: value with KMS in the instance's region (or
// AWS_REGION) and prints the plaintext, for operators checking what a config will receive.
#include "aws/kms.h"
#include "boot/args.h"
#include "boot/aws_runtime.h"
#include "boot/command.h"
#include "config/config.h"

namespace taupage {

int run_decrypt(const std::vector<std::string>& argv) {
  const Command& self = command_named("decrypt");
  auto args = Args::parse(argv, {}, {}, 1);
  if (!args) return usage_error(self, args.error().message());
  if (args->positionals().empty()) return usage_error(self, "the aws:kms: value to decrypt is missing");
  std::string value = args->positionals()[0];
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

}  // namespace taupage
