// Test-only benchmark (not part of the shipped binary): signs the same KMS Decrypt request
// repeatedly for about a second with Taupage's SigV4 signer and prints signatures per second.
// Built by scripts/bench/aws.sh from the release objects.
#include <time.h>

#include <cstdio>

#include "aws/sigv4.h"

int main() {
  using namespace taupage;
  Credentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  credentials.session_token = Secret("session-token-example-0123456789");
  SigningParams params;
  params.region = "eu-central-1";
  params.service = "kms";
  params.unix_time = 1764172800;
  SignableRequest request;
  request.method = "POST";
  request.headers = {
      {"Host", "kms.eu-central-1.amazonaws.com"}, {"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "TrentService.Decrypt"}};
  request.body = R"({"CiphertextBlob":"AQICAHhqZW5jcnlwdGVkLWJsb2ItZXhhbXBsZS0wMTIzNDU2Nzg5YWJjZGVm"})";
  auto now = [] {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  size_t n = 0, checksum = 0;
  double start = now(), elapsed = 0;
  while (elapsed < 1.0) {
    for (int i = 0; i < 1000; ++i) checksum += sign_with_headers(request, credentials, params).signature[0];
    n += 1000;
    elapsed = now() - start;
  }
  std::printf("%.0f %zu\n", static_cast<double>(n) / elapsed, checksum % 7);
  return 0;
}
