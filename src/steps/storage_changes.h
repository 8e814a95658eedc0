/// The refusals of the storage steps end with what they left alone ("nothing was changed"). When
/// an earlier step or item of the same run already wrote to disks (an array created, a device
/// formatted), that sentence would be false: the refusal then names what this run did change.
#pragma once

#include <string>
#include <vector>

namespace taupage {

// `reason` as it is when `changes` is empty; otherwise each "nothing was changed" becomes
// "nothing more was changed (earlier in this run: <changes>)".
std::string refusal_after_changes(const std::vector<std::string>& changes, const std::string& reason);

}  // namespace taupage
