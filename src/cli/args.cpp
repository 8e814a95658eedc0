#include "cli/args.h"

#include "util/strings.h"

namespace taupage {

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::set<std::string>& value_options,
                         const std::set<std::string>& flags, size_t max_positionals) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.size() > 2 && arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2);
      std::string value;
      bool inline_value = false;
      if (size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inline_value = true;
      }
      if (value_options.count(name)) {
        if (!inline_value) {
          if (i + 1 >= argv.size()) return Error("--" + name + " needs a value");
          value = argv[++i];
        }
        // A repeated option is a mistake in a script, not a preference for the last one.
        if (args.values_.count(name)) return Error("--" + name + " is given twice");
        args.values_[name] = value;
      } else if (flags.count(name) && !inline_value) {
        if (args.flags_.count(name)) return Error("--" + name + " is given twice");
        args.flags_.insert(name);
      } else {
        return Error("unknown option --" + name);
      }
      continue;
    }
    if (args.positionals_.size() >= max_positionals) return Error("unexpected argument " + quote(arg));
    args.positionals_.push_back(arg);
  }
  return args;
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

}  // namespace taupage
