/// PullProgress: turns Docker's pull progress stream (one JSON message per layer event) into
/// the few lines a person can follow on a serial console: a line when a layer starts and when
/// it is done, a total every few seconds, and the digest at the end; never a flood.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "util/clock.h"
#include "util/json.h"

namespace taupage {

class PullProgress {
 public:
  using Sink = std::function<void(const std::string& line)>;

  PullProgress(std::string image, Clock& clock, Sink sink, int64_t total_every_ms = 10000)
      : image_(std::move(image)),
        clock_(clock),
        sink_(std::move(sink)),
        total_every_ms_(total_every_ms),
        started_ms_(clock.monotonic_ms()),
        last_total_ms_(started_ms_) {}

  void on_message(const Json& message);

  std::string digest() const { return digest_; }
  bool up_to_date() const { return up_to_date_; }
  int layers() const { return static_cast<int>(layers_.size()); }
  int layers_present() const { return present_; }
  uint64_t downloaded_bytes() const;
  // "12 layers (3 already present), 45.2 MB downloaded"
  std::string summary() const;

 private:
  struct Layer {
    uint64_t total = 0;    // bytes to download, once known
    uint64_t current = 0;  // downloaded so far
    bool started = false;
    bool done = false;
  };
  void say_total();

  std::string image_;
  Clock& clock_;
  Sink sink_;
  int64_t total_every_ms_;
  int64_t started_ms_;
  int64_t last_total_ms_;
  std::map<std::string, Layer> layers_;
  int present_ = 0;
  std::string digest_;
  bool up_to_date_ = false;
};

// "1.2 MB", "950 kB", "12 B" (decimal units, as Docker prints them).
std::string human_bytes(uint64_t bytes);

}  // namespace taupage
