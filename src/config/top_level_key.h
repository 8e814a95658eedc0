/// A top-level key of user data and the function that reads its value into the Config. Each
/// section (application, storage, host) lists its keys this way, so that the reader dispatches on
/// them and suggests them for a typo from one list.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "config/node_reader.h"
#include "config/yaml_tree.h"

namespace taupage {

struct TopLevelKey {
  std::string_view key;
  // `path` is "$.key"; the reader has recorded where the key was written before this runs.
  void (*read)(NodeReader& reader, const YamlNode& value, const std::string& path, Config& config);
};

}  // namespace taupage
