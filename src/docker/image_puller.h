/// Making sure the configured image is present: skip the pull when a pinned digest is already
/// there, pull with bounded retries on transient registry errors, and, when the registry cannot
/// be reached but an earlier boot left the image behind, go on with it under a loud warning
/// rather than taking the application down.
#pragma once

#include <functional>
#include <string>

#include "docker/docker_api.h"
#include "util/clock.h"

namespace taupage {

struct PullPolicy {
  int attempts = 3;             // pulls tried before giving up or falling back
  int first_backoff_ms = 2000;  // doubled after each failed attempt
  int64_t progress_every_ms = 10000;
};

enum class ImageSource { Pulled, UpToDate, PresentDigest, LocalFallback };

struct ImageReady {
  ImageSource source = ImageSource::Pulled;
  DockerImage image;   // the local image after the pull
  std::string detail;  // one line for the report
};

// The pull errors that no retry can fix: unknown repository or tag, no permission, a bad name.
bool pull_error_is_permanent(const std::string& message);

// Lines go to `say` (progress, info) and `warn` (the fallback).
Result<ImageReady> ensure_image(DockerApi& docker, const ImageReference& image, const Secret& registry_auth, Clock& clock,
                                const PullPolicy& policy, const std::function<void(const std::string&)>& say,
                                const std::function<void(const std::string&)>& warn);

}  // namespace taupage
