/// Command-line arguments of a sub-command: `--name VALUE`, `--name=VALUE`, boolean flags and
/// positionals, checked against what the sub-command declares, so a typo is a usage error (exit 2).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "util/result.h"

namespace taupage {

class Args {
 public:
  // value_options take a value, flags do not; anything else starting with "--" is an error.
  static Result<Args> parse(const std::vector<std::string>& argv, const std::set<std::string>& value_options,
                            const std::set<std::string>& flags, size_t max_positionals);

  bool has(const std::string& name) const { return values_.count(name) || flags_.count(name); }
  std::string value(const std::string& name, const std::string& fallback = {}) const;
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positionals_;
};

}  // namespace taupage
