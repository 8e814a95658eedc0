#include "docker/pull_progress.h"

#include "util/strings.h"

namespace taupage {

std::string human_bytes(uint64_t bytes) {
  if (bytes < 1000) return strfmt("%llu B", static_cast<unsigned long long>(bytes));
  if (bytes < 1000 * 1000) return strfmt("%.1f kB", bytes / 1e3);
  if (bytes < 1000ULL * 1000 * 1000) return strfmt("%.1f MB", bytes / 1e6);
  return strfmt("%.2f GB", bytes / 1e9);
}

uint64_t PullProgress::downloaded_bytes() const {
  uint64_t sum = 0;
  for (const auto& [id, layer] : layers_) sum += layer.done && layer.total ? layer.total : layer.current;
  return sum;
}

std::string PullProgress::summary() const {
  std::string text = strfmt("%d layer%s", layers(), layers() == 1 ? "" : "s");
  if (present_ > 0) text += strfmt(" (%d already present)", present_);
  return text + ", " + human_bytes(downloaded_bytes()) + " downloaded";
}

void PullProgress::say_total() {
  int done = 0;
  uint64_t total = 0;
  for (const auto& [id, layer] : layers_) {
    done += layer.done;
    total += layer.total;
  }
  std::string line =
      strfmt("pull %s: %d of %zu layers done, %s", image_.c_str(), done, layers_.size(), human_bytes(downloaded_bytes()).c_str());
  if (total > 0) line += " of " + human_bytes(total);
  sink_(line + strfmt(" downloaded, %.0f s", (clock_.monotonic_ms() - started_ms_) / 1000.0));
}

void PullProgress::on_message(const Json& message) {
  const std::string status = message.get_string("status");
  const std::string id = message.get_string("id");
  if (status.rfind("Digest: ", 0) == 0) {
    digest_ = std::string(trim(status.substr(8)));
  } else if (status.rfind("Status: Image is up to date", 0) == 0) {
    up_to_date_ = true;
  } else if (!id.empty() && id.size() == 12) {  // layer events carry the short layer id
    Layer& layer = layers_[id];
    const Json& detail = message.get("progressDetail");
    if (status == "Already exists") {
      if (!layer.done) ++present_;
      layer.done = true;
    } else if (status == "Downloading") {
      if (detail.get("total").as_int() > 0) layer.total = static_cast<uint64_t>(detail.get("total").as_int());
      if (detail.get("current").as_int() > 0) layer.current = static_cast<uint64_t>(detail.get("current").as_int());
      if (!layer.started) {
        layer.started = true;
        sink_(strfmt("pull %s: layer %s downloading%s", image_.c_str(), id.c_str(),
                     layer.total ? (" " + human_bytes(layer.total)).c_str() : ""));
      }
    } else if (status == "Download complete" || status == "Verifying Checksum") {
      if (layer.total) layer.current = layer.total;
    } else if (status == "Pull complete") {
      if (!layer.done) {
        layer.done = true;
        if (layer.total) layer.current = layer.total;
        sink_(strfmt("pull %s: layer %s done%s", image_.c_str(), id.c_str(),
                     layer.total ? (" (" + human_bytes(layer.total) + ")").c_str() : ""));
      }
    }
  }
  if (clock_.monotonic_ms() - last_total_ms_ >= total_every_ms_ && !layers_.empty()) {
    last_total_ms_ = clock_.monotonic_ms();
    say_total();
  }
}

}  // namespace taupage
