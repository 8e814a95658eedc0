#include "aws/environment.h"

#include <cstdlib>

namespace taupage {

Environment process_environment() {
  return [](const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value ? std::string(value) : std::string();
  };
}

Environment fixed_environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
}

}  // namespace taupage
