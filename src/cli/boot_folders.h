/// The two folders a boot works in, checked before the first step changes anything: the real
/// root (`--root`) must be an existing folder, and the state folder (`--state-dir`) must take a
/// file, since later stages learn from its reports whether this one failed.
#pragma once

#include <string>

#include "util/result.h"

namespace taupage {

// An existing folder; a missing root is not created (a typo would otherwise become a new tree).
Status check_root_folder(const std::string& root);
// Creates the folder (0700) when missing and writes and removes a file in it.
Status check_state_folder(const std::string& state_dir);

}  // namespace taupage
