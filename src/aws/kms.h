/// KMS Decrypt (JSON 1.1 protocol, TrentService): a base64 ciphertext in, the plaintext out as a
/// Secret. KMS's errors (InvalidCiphertextException, AccessDeniedException, NotFoundException,
/// DisabledException, ...) are reported by name.
#pragma once

#include <string>

#include "aws/aws_service.h"
#include "util/result.h"
#include "util/secret.h"

namespace taupage {

class KmsClient {
 public:
  explicit KmsClient(AwsService& service) : service_(service) {}

  // ciphertext_base64: the CiphertextBlob as base64 (what follows "aws:kms:").
  Result<Secret> decrypt(const std::string& ciphertext_base64);

  const AwsError& last_error() const { return service_.last_error(); }

 private:
  AwsService& service_;
};

}  // namespace taupage
