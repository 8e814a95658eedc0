/// Where the shared test data lives: $TAUPAGE_SHARED_DIR, else ../shared beside the repository
/// (the data is read from there, never copied into the repository).
#pragma once

#include <string>

namespace taupage::testing {

std::string shared_dir();

}  // namespace taupage::testing
