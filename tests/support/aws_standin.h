/// Starts the AWS stand-in (tests/standin/aws_standin.py) in a temporary folder for a test and
/// stops it afterwards; reads the endpoints it chose.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace taupage::testing {

class AwsStandin {
 public:
  // Extra files to place in its folder before it starts (relative path -> content).
  explicit AwsStandin(const std::map<std::string, std::string>& files = {}, double attach_delay = 1.0);
  ~AwsStandin();
  bool ready() const { return ready_; }
  const std::string& dir() const { return dir_; }
  // The variables of its env and env-credentials files.
  std::map<std::string, std::string> environment(bool with_keys) const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace taupage::testing
