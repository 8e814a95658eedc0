#include "host/logentries_config.h"

namespace taupage {

std::string render_logentries_config(const LogentriesSettings& settings) {
  std::string text =
      "# Written by Taupage on every boot from logentries_account_key; changes here are replaced.\n"
      "[Main]\n"
      "user-key = " +
      settings.account_key.reveal() +
      "\n"
      // What is followed is this file, not a list kept on Logentries' side.
      "pull-server-side-config = False\n";
  for (const auto& path : settings.logs) {
    std::string file = path.substr(path.rfind('/') + 1);
    text += "\n[" + file + "]\npath = " + path + "\ndestination = " + settings.destination_prefix + "/" + file + "\n";
  }
  return text;
}

}  // namespace taupage
