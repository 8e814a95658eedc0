/// The Linux capability names (capabilities(7)), so that `capabilities_add` and
/// `capabilities_drop` are checked against what the kernel knows, with or without "CAP_".
#pragma once

#include <string>
#include <vector>

namespace taupage {

const std::vector<std::string>& capability_names();  // without "CAP_", upper case
// "net_admin", "CAP_NET_ADMIN" -> "NET_ADMIN"; "ALL" stays "ALL"; empty when unknown.
std::string normalize_capability(const std::string& text);

}  // namespace taupage
