/// Reading user data into a Config: the header line, the YAML tree, then every key checked in one
/// pass (by its section, then across sections) so that all the errors of a document are reported
/// together, each with its path, line and column. `taupage check`, `plan` and `boot` all go through here.
#pragma once

#include <optional>
#include <string_view>

#include "config/config.h"
#include "config/diagnostic.h"

namespace taupage {

inline constexpr std::string_view kUserDataHeader = "#taupage-ami-config";

struct ReadOptions {
  bool strict = false;  // unknown keys are errors instead of warnings
};

struct ConfigRead {
  std::optional<Config> config;  // set when there are no errors
  Diagnostics diagnostics;       // errors and warnings, in document order
  // notify_cfn when it could be read, even when other keys are invalid: where to send FAILURE
  // for user data that cannot be booted.
  std::optional<NotifyCfn> notify_cfn;
};

ConfigRead read_config(std::string_view user_data, const ReadOptions& options = {});

}  // namespace taupage
