/// The options of the original Taupage that this one accepts but does not act on, each with the
/// reason a user is told: most need an agent this image does not carry. They stay warnings so
/// that existing user data keeps booting (`check --strict` makes them errors).
#pragma once

#include <string>
#include <vector>

namespace taupage {

struct OriginalOption {
  const char* key;
  const char* why;  // completes "<key> is ignored: ..."
};

const std::vector<OriginalOption>& original_only_options();
// The entry for `key`, or null when it is not one of them.
const OriginalOption* find_original_option(const std::string& key);

}  // namespace taupage
