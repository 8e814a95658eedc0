/// Runs a program for a test: argv without a shell, optional standard input, captured output,
/// and a watchdog that kills it after a deadline, so a hang fails the test instead of the suite.
#pragma once

#include <string>
#include <vector>

namespace taupage {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  bool timed_out = false;
  std::string out;
  std::string err;
  double seconds = 0;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {}, int timeout_ms = 10000,
                          const std::vector<std::string>& extra_env = {});

// The binary under test: $TAUPAGE_BIN, else build/taupage.
std::string taupage_bin();

}  // namespace taupage
