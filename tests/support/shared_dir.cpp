#include "support/shared_dir.h"

#include <cstdlib>

namespace taupage::testing {

std::string shared_dir() {
  if (const char* dir = std::getenv("TAUPAGE_SHARED_DIR"); dir && *dir) return dir;
  if (const char* source = std::getenv("TAUPAGE_SOURCE_DIR"); source && *source) return std::string(source) + "/../shared";
  return "../shared";
}

}  // namespace taupage::testing
