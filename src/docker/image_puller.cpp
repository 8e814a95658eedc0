#include "docker/image_puller.h"

#include "docker/pull_progress.h"
#include "util/strings.h"

namespace taupage {

bool pull_error_is_permanent(const std::string& message) {
  const std::string m = to_lower(message);
  for (const char* sign : {"http 400", "http 401", "http 403", "http 404", "manifest unknown", "not found", "unauthorized", "denied",
                           "invalid reference", "no such image"}) {
    if (m.find(sign) != std::string::npos) return true;
  }
  return false;
}

Result<ImageReady> ensure_image(DockerApi& docker, const ImageReference& image, const Secret& registry_auth, Clock& clock,
                                const PullPolicy& policy, const std::function<void(const std::string&)>& say,
                                const std::function<void(const std::string&)>& warn) {
  const std::string ref = image.digest.empty() ? image.text() : image.name() + "@" + image.digest;
  // A digest names one image for ever: when it is here, there is nothing to fetch.
  if (!image.digest.empty()) {
    auto present = docker.inspect_image(ref);
    if (!present) return present.error();
    if (*present) {
      return ImageReady{ImageSource::PresentDigest, **present, "image " + ref + " is present (pinned digest); not pulled"};
    }
  }

  const int64_t started = clock.monotonic_ms();
  std::string last_error;
  int backoff = policy.first_backoff_ms;
  for (int attempt = 1; attempt <= policy.attempts; ++attempt) {
    PullProgress progress(image.text(), clock, say, policy.progress_every_ms);
    say(strfmt("pull %s%s", image.text().c_str(), attempt > 1 ? strfmt(" (attempt %d of %d)", attempt, policy.attempts).c_str() : ""));
    Status pulled = docker.pull_image(image, registry_auth, [&](const Json& m) { progress.on_message(m); });
    if (pulled) {
      auto local = docker.inspect_image(ref);
      if (!local) return local.error();
      if (!*local) return Error("pull " + image.text() + ": the daemon reported success but has no image " + ref);
      const double seconds = (clock.monotonic_ms() - started) / 1000.0;
      std::string digest = progress.digest().empty() ? (*local)->id : progress.digest();
      if (progress.up_to_date()) {
        std::string line =
            strfmt("image %s is up to date: %s, %s", image.text().c_str(), digest.c_str(), human_bytes((*local)->size).c_str());
        say(line);
        return ImageReady{ImageSource::UpToDate, **local, line};
      }
      std::string line = strfmt("pulled %s: %s, %s (%s) in %.1f s", image.text().c_str(), digest.c_str(),
                                human_bytes((*local)->size).c_str(), progress.summary().c_str(), seconds);
      say(line);
      return ImageReady{ImageSource::Pulled, **local, line};
    }
    last_error = pulled.error().message();
    // A daemon that cannot be reached, or that breaks HTTP, is no registry problem and gets no
    // retries here.
    if (last_error.find("does not answer") != std::string::npos || pulled.error().kind() == ErrorKind::Protocol) {
      return pulled.error();
    }
    if (pull_error_is_permanent(last_error)) break;
    if (attempt < policy.attempts) {
      say(strfmt("%s; retrying in %.0f s", last_error.c_str(), backoff / 1000.0));
      clock.sleep_ms(backoff);
      backoff *= 2;
    }
  }

  // The registry is down or refuses: an image left by an earlier boot keeps the application up.
  auto local = docker.inspect_image(ref);
  if (local && *local) {
    warn("WARNING: " + last_error);
    warn(strfmt("WARNING: starting from the image %s already on this machine (%s), which may be older than the registry's", ref.c_str(),
                (*local)->id.c_str()));
    return ImageReady{ImageSource::LocalFallback, **local, "pull failed, using the local image " + (*local)->id + ": " + last_error};
  }
  return Error(last_error);
}

}  // namespace taupage
