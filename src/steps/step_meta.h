/// The `meta` step (late stage, before the container): the user data as received, encrypted
/// values still encrypted, in <root>/meta/taupage.yaml, where the original left it and where
/// applications read their own keys. Only root and the application user (999) can read it.
#pragma once

#include <memory>

#include "engine/step.h"

namespace taupage {

inline constexpr const char* kMetaUserDataPath = "/meta/taupage.yaml";

std::unique_ptr<Step> make_meta_step();

}  // namespace taupage
