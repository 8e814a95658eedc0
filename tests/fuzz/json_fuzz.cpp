// libFuzzer target: the bounded JSON reader behind KMS, IMDS, CloudFormation, ECR and Docker
// answers, and Docker's pull progress on top. The oracle (fuzz/json_oracle.h): whatever parses
// is written back out by dump() into text that parses again to the same dump. Inputs it once
// failed on go to tests/fuzz/seeds/json/, which the unit tests replay.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/json_oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string failure = taupage::testing::json_oracle_failure(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!failure.empty()) {
    std::fprintf(stderr, "json oracle: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
