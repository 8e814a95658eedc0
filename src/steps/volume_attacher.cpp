#include "steps/volume_attacher.h"

#include <algorithm>
#include <optional>
#include <set>

#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

enum class Phase { Search, Attaching, Device, Done };

struct Pending {
  VolumeRequest request;
  Phase phase = Phase::Search;
  std::string volume_id;
  std::string attached_as;  // the device EC2 records for the attachment
  bool kept = false;
  int64_t phase_started_ms = 0;
  int64_t deadline_ms = 0;
  int64_t next_progress_ms = 0;
  std::optional<Volume> retry_volume;  // AttachVolume was throttled: ask again, without a new look
  std::string waiting_for;             // what the last look found, for progress lines and the timeout
  std::string last_error;              // the last failed DescribeVolumes, while it keeps failing
  EbsDevice device;
  std::vector<std::string> links;
};

std::string label(const VolumeRequest& r) { return strfmt("%s (Name=%s, line %d)", r.device.c_str(), r.name.c_str(), r.line); }

const VolumeAttachment* attachment_to(const Volume& v, const std::string& instance_id) {
  for (const auto& a : v.attachments) {
    if (a.instance_id == instance_id && (a.status == "attaching" || a.status == "attached")) return &a;
  }
  return nullptr;
}

// What stands between this entry and an available volume, in words.
std::string holders(const std::vector<const Volume*>& candidates, const std::string& name, const std::string& zone) {
  if (candidates.empty()) return strfmt("no volume named %s in %s yet", quote(name).c_str(), zone.c_str());
  std::vector<std::string> parts;
  for (const Volume* v : candidates) {
    if (!v->attachments.empty()) {
      const auto& a = v->attachments.front();
      parts.push_back(strfmt("%s is attached to %s (%s)", v->id.c_str(), a.instance_id.c_str(), a.status.c_str()));
    } else if (v->status == "creating") {
      parts.push_back(v->id + " is being created");
    } else {
      parts.push_back(v->id + " is " + v->status);
    }
  }
  return join(parts, ", ");
}

// A refusal that leaves the volume to someone else or to later: keep waiting.
bool lost_race(const AwsError& e) { return e.code == "IncorrectState" || e.code == "VolumeInUse"; }
bool transient(const AwsError& e) { return e.throttling() || (e.status == 0 && !e.permanent) || e.status >= 500; }

std::string seconds_text(int64_t ms) { return strfmt("%llds", static_cast<long long>(ms / 1000)); }

// What a waiting entry waits for, in words, with the last error while EC2 cannot be asked: an
// operator at the console must see why, not an empty reason.
std::string wait_text(const Pending& p) {
  if (p.last_error.empty()) return p.waiting_for.empty() ? "the first answer from EC2" : p.waiting_for;
  std::string asking = "the last DescribeVolumes failed: " + p.last_error;
  return p.waiting_for.empty() ? "no answer from EC2 yet; " + asking : p.waiting_for + " (" + asking + ")";
}

// What the run leaves behind when it fails, so the reason says whether anything changed.
std::string left_behind(const std::vector<Pending>& items) {
  std::vector<std::string> parts;
  for (const auto& p : items) {
    if (p.phase == Phase::Search || p.volume_id.empty()) continue;
    parts.push_back(p.request.device + " " + p.volume_id + (p.phase == Phase::Attaching ? " attaching" : " attached"));
  }
  return parts.empty() ? "nothing was attached" : "left attached: " + join(parts, ", ");
}

}  // namespace

int64_t VolumeAttacher::retry_pause_ms(int round, Refusal why) const {
  int64_t base = why == Refusal::DescribeThrottled ? timeouts_.describe_throttled_base_ms
                 : why == Refusal::AttachThrottled ? timeouts_.attach_throttled_base_ms
                                                   : timeouts_.retry_base_ms;
  int64_t cap = why == Refusal::Failure ? timeouts_.retry_cap_ms : timeouts_.throttled_cap_ms;
  int64_t ceiling = std::max<int64_t>(base, 1);
  for (int i = 1; i < round && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  double r = std::clamp(random_ ? random_() : 0.5, 0.0, 1.0);
  double fraction = why == Refusal::Failure ? r : 0.5 + r / 2;
  return std::max(static_cast<int64_t>(fraction * static_cast<double>(ceiling)), std::min(timeouts_.retry_floor_ms, ceiling));
}

int64_t VolumeAttacher::poll_pause(int64_t interval_ms) const {
  double r = std::clamp(random_ ? random_() : 0.5, 0.0, 1.0);
  return interval_ms + static_cast<int64_t>(r * static_cast<double>(interval_ms));
}

Result<std::vector<AttachedVolume>> VolumeAttacher::run(const std::vector<VolumeRequest>& requests) {
  const int64_t start = clock_.monotonic_ms();
  std::vector<Pending> items;
  for (const auto& r : requests) {
    Pending p;
    p.request = r;
    p.phase_started_ms = start;
    p.deadline_ms = start + timeouts_.available_ms;
    p.next_progress_ms = start;  // the first wait is announced at once
    items.push_back(std::move(p));
  }
  auto fail = [&](Error e) { return std::move(e).wrap(left_behind(items)); };
  auto enter = [&](Pending& p, Phase phase, int64_t now) {
    p.phase = phase;
    p.phase_started_ms = now;
    p.next_progress_ms = now + timeouts_.progress_ms;
    p.deadline_ms = now + (phase == Phase::Attaching ? timeouts_.attach_ms : timeouts_.device_ms);
  };

  bool attach_refused_for_now = false;  // this round's AttachVolume throttled or failed transiently
  bool attach_throttled = false;        // ... and throttled (the mutating bucket is empty)
  // AttachVolume for `p`; an error when it ends the run. A request refused for now is asked again
  // after the pause without a DescribeVolumes in between (the throttled fleet's calls halved);
  // when that repeated request meets anything but throttling, the entry looks again instead.
  auto try_attach = [&](Pending& p, const Volume& volume, bool fresh_look) -> std::optional<Error> {
    std::string volume_id = volume.id;
    p.retry_volume.reset();
    auto answer = api_.attach(volume_id, place_.instance_id, p.request.device);
    if (answer) {
      Log::info(strfmt("volumes: attach %s <- %s (Name=%s): %s", p.request.device.c_str(), volume_id.c_str(), p.request.name.c_str(),
                       answer->status.empty() ? "attaching" : answer->status.c_str()));
      p.volume_id = volume_id;
      p.attached_as = p.request.device;
      enter(p, answer->status == "attached" ? Phase::Device : Phase::Attaching, clock_.monotonic_ms());
      return std::nullopt;
    }
    const AwsError& e = api_.last_error();
    if (lost_race(e)) {
      p.waiting_for = strfmt("another instance took %s first (%s)", volume_id.c_str(), e.code.c_str());
      Log::info(strfmt("volumes: %s: %s; waiting for another volume", label(p.request).c_str(), p.waiting_for.c_str()));
    } else if (transient(e)) {
      p.waiting_for = "AttachVolume " + volume_id + ": " + answer.error().message();
      attach_refused_for_now = true;
      if (e.throttling()) {
        p.retry_volume = volume;
        attach_throttled = true;
      }
    } else if (fresh_look) {
      return Error(answer.error())
          .wrap(strfmt("attach %s (%s): AttachVolume %s", p.request.device.c_str(), p.request.name.c_str(), volume_id.c_str()));
    } else {
      p.waiting_for = "AttachVolume " + volume_id + ": " + answer.error().message() + "; looking again";
    }
    return std::nullopt;
  };

  bool first_look = true;
  int64_t next_describe_ms = start;
  int retry_round = 0;  // rounds in a row that EC2 throttled or failed
  int64_t next_describe_warning_ms = start;
  for (;;) {
    int64_t now = clock_.monotonic_ms();
    bool needs_ec2 =
        std::any_of(items.begin(), items.end(), [](const Pending& p) { return p.phase == Phase::Search || p.phase == Phase::Attaching; });

    bool only_retries = needs_ec2 && std::all_of(items.begin(), items.end(), [](const Pending& p) {
                          return p.phase == Phase::Device || p.phase == Phase::Done || (p.phase == Phase::Search && p.retry_volume);
                        });
    auto attach_refusal = [&] { return attach_throttled ? Refusal::AttachThrottled : Refusal::Failure; };
    if (only_retries && now >= next_describe_ms) {
      attach_refused_for_now = attach_throttled = false;
      for (auto& p : items) {
        if (p.phase != Phase::Search || !p.retry_volume) continue;
        Volume volume = *p.retry_volume;
        auto fatal = try_attach(p, volume, false);
        if (fatal) return fail(std::move(*fatal));
      }
      bool attaching = std::any_of(items.begin(), items.end(), [](const Pending& q) { return q.phase == Phase::Attaching; });
      retry_round = attach_refused_for_now ? retry_round + 1 : 0;
      next_describe_ms = clock_.monotonic_ms() + (attach_refused_for_now ? retry_pause_ms(retry_round, attach_refusal())
                                                  : attaching            ? poll_pause(timeouts_.attach_poll_ms)
                                                                         : 0);
    } else if (needs_ec2 && now >= next_describe_ms) {
      std::set<std::string> name_set;
      for (const auto& p : items) {
        if (p.phase == Phase::Search || p.phase == Phase::Attaching) name_set.insert(p.request.name);
      }
      auto volumes = api_.volumes_named({name_set.begin(), name_set.end()}, place_.availability_zone);
      if (!volumes) {
        const AwsError& e = api_.last_error();
        if (!transient(e)) return Error(volumes.error()).wrap("DescribeVolumes (" + left_behind(items) + ")");
        for (auto& p : items) {
          if (p.phase == Phase::Search || p.phase == Phase::Attaching) p.last_error = volumes.error().message();
        }
        int64_t pause = retry_pause_ms(++retry_round, e.throttling() ? Refusal::DescribeThrottled : Refusal::Failure);
        if (now >= next_describe_warning_ms) {
          Log::warn("volumes: DescribeVolumes: " + volumes.error().message() + "; trying again in " + strfmt("%.1fs", pause / 1000.0));
          next_describe_warning_ms = now + timeouts_.progress_ms;
        }
        next_describe_ms = now + pause;
      } else {
        attach_refused_for_now = attach_throttled = false;
        for (auto& p : items) p.last_error.clear();
        auto named = [&](const std::string& name) {
          std::vector<const Volume*> out;
          for (const auto& v : *volumes) {
            if (v.tag("Name") == name && v.availability_zone == place_.availability_zone) out.push_back(&v);
          }
          return out;
        };

        // Decide every entry before any request goes out, so an ambiguous Name anywhere
        // attaches nothing on the first look.
        struct Choice {
          Pending* item;
          const Volume* volume;
        };
        std::vector<Choice> to_attach;
        for (auto& p : items) {
          if (p.phase != Phase::Search) continue;
          auto candidates = named(p.request.name);
          std::vector<const Volume*> mine, available, others;
          for (const Volume* v : candidates) {
            if (attachment_to(*v, place_.instance_id))
              mine.push_back(v);
            else if (v->status == "available" && v->attachments.empty())
              available.push_back(v);
            else
              others.push_back(v);
          }
          auto ids = [](const std::vector<const Volume*>& vs) {
            std::vector<std::string> out;
            for (const Volume* v : vs) out.push_back(v->id);
            return join(out, ", ");
          };
          if (mine.size() > 1) {
            return fail(Error(strfmt("%s: several volumes with this Name are attached to this instance: %s", label(p.request).c_str(),
                                     ids(mine).c_str())));
          }
          if (mine.size() == 1) {
            const VolumeAttachment* a = attachment_to(*mine[0], place_.instance_id);
            p.volume_id = mine[0]->id;
            p.attached_as = a->device;
            p.kept = first_look;
            if (p.kept)
              Log::info(strfmt("volumes: %s: %s is already attached to this instance as %s", label(p.request).c_str(), p.volume_id.c_str(),
                               a->device.c_str()));
            enter(p, a->status == "attached" ? Phase::Device : Phase::Attaching, now);
            continue;
          }
          if (available.size() > 1) {
            return fail(
                Error(strfmt("%s: %zu available volumes carry this Name in %s: %s; Taupage does not guess, so none was attached; "
                             "give the volumes distinct Names",
                             label(p.request).c_str(), available.size(), place_.availability_zone.c_str(), ids(available).c_str())));
          }
          if (available.size() == 1) {
            to_attach.push_back({&p, available[0]});
            continue;
          }
          p.waiting_for = holders(others, p.request.name, place_.availability_zone);
        }

        for (const auto& [p, volume] : to_attach) {
          auto fatal = try_attach(*p, *volume, true);
          if (fatal) return fail(std::move(*fatal));
        }

        for (auto& p : items) {
          if (p.phase != Phase::Attaching) continue;
          const Volume* v = nullptr;
          for (const auto& candidate : *volumes) {
            if (candidate.id == p.volume_id) v = &candidate;
          }
          const VolumeAttachment* a = v ? attachment_to(*v, place_.instance_id) : nullptr;
          if (a && a->status == "attached") {
            p.attached_as = a->device.empty() ? p.attached_as : a->device;
            enter(p, Phase::Device, now);
          } else if (!a && now > p.phase_started_ms) {
            // The attachment went away (failed, or the volume was detached): look again.
            Log::warn(strfmt("volumes: %s: %s is no longer attaching to this instance; looking again", label(p.request).c_str(),
                             p.volume_id.c_str()));
            p.phase = Phase::Search;
            p.volume_id.clear();
            // Back to the search, whose time counts from the start of the step.
            p.phase_started_ms = start;
            p.deadline_ms = start + timeouts_.available_ms;
          } else {
            p.waiting_for = p.volume_id + " is attaching";
          }
        }
        first_look = false;
        bool attaching = std::any_of(items.begin(), items.end(), [](const Pending& q) { return q.phase == Phase::Attaching; });
        // Counted from the end of this round's requests, which take a while over TLS at boot.
        int64_t pause = poll_pause(attaching ? timeouts_.attach_poll_ms : timeouts_.search_poll_ms);
        retry_round = attach_refused_for_now ? retry_round + 1 : 0;
        if (attach_refused_for_now) pause = retry_pause_ms(retry_round, attach_refusal());
        next_describe_ms = clock_.monotonic_ms() + pause;
      }
    }

    for (auto& p : items) {
      if (p.phase != Phase::Device && p.phase != Phase::Attaching) continue;
      auto found = devices_.find(p.volume_id, ebs_slot_of(p.attached_as));
      if (!found && p.phase == Phase::Attaching) continue;  // EC2's `attached` or the disk, whichever first
      if (!found) {
        p.waiting_for = strfmt("%s is attached; its disk has not appeared (NVMe serial %s, or Xen %s)", p.volume_id.c_str(),
                               ebs_nvme_serial(p.volume_id).c_str(), p.attached_as.c_str());
        continue;
      }
      auto links = devices_.link(p.request.slot, *found);
      if (!links) return fail(Error(links.error()).wrap(label(p.request)));
      p.device = *found;
      p.links = *links;
      p.phase = Phase::Done;
      Log::info(strfmt("volumes: %s %s -> %s%s", p.request.device.c_str(), p.volume_id.c_str(), found->path.c_str(),
                       p.links.empty() ? "" : (", linked " + join(p.links, ", ")).c_str()));
    }

    if (std::all_of(items.begin(), items.end(), [](const Pending& p) { return p.phase == Phase::Done; })) break;

    now = clock_.monotonic_ms();
    auto what = [](const Pending& p) {
      return p.phase == Phase::Search ? "an available volume" : p.phase == Phase::Attaching ? "the attached state" : "the disk";
    };
    // The budget ends every wait at once: what was asked of EC2 goes on without us (an attachment
    // completes, a holder lets go), and the run on the real root finds it.
    if (timeouts_.defer_at_ms > 0 && now >= timeouts_.defer_at_ms) {
      std::vector<std::string> waits;
      for (const auto& p : items) {
        if (p.phase != Phase::Done) waits.push_back(strfmt("%s for %s: %s", label(p.request).c_str(), what(p), wait_text(p).c_str()));
      }
      deferred_ = true;
      return Error(strfmt("stopped waiting after %s, the time budget: %s; %s", seconds_text(now - start).c_str(), join(waits, "; ").c_str(),
                          left_behind(items).c_str()));
    }
    std::vector<std::string> expired;
    for (auto& p : items) {
      if (p.phase == Phase::Done) continue;
      if (now >= p.deadline_ms) {
        expired.push_back(strfmt("%s: gave up waiting for %s after %s: %s", label(p.request).c_str(), what(p),
                                 seconds_text(now - p.phase_started_ms).c_str(), wait_text(p).c_str()));
      } else if (now >= p.next_progress_ms) {
        std::string budget;
        if (timeouts_.defer_at_ms > 0) budget = ", then deferred to the real root in " + seconds_text(timeouts_.defer_at_ms - now);
        Log::info(strfmt("volumes: waiting for %s: %s; %s of at most %s%s", label(p.request).c_str(), wait_text(p).c_str(),
                         seconds_text(now - p.phase_started_ms).c_str(), seconds_text(p.deadline_ms - p.phase_started_ms).c_str(),
                         budget.c_str()));
        p.next_progress_ms = now + timeouts_.progress_ms;
      }
    }
    if (!expired.empty()) return fail(Error(join(expired, "; ")));

    int64_t wake = INT64_MAX;
    for (const auto& p : items) {
      if (p.phase == Phase::Done) continue;
      wake = std::min({wake, p.deadline_ms, p.next_progress_ms});
      if (timeouts_.defer_at_ms > 0) wake = std::min(wake, timeouts_.defer_at_ms);
      if (p.phase == Phase::Device || p.phase == Phase::Attaching) wake = std::min(wake, now + timeouts_.device_poll_ms);
      if (p.phase != Phase::Device) wake = std::min(wake, next_describe_ms);
    }
    clock_.sleep_ms(std::max<int64_t>(wake - now, 1));
  }

  std::vector<AttachedVolume> done;
  for (auto& p : items) done.push_back({p.request, p.volume_id, p.device, p.kept, p.links});
  return done;
}

}  // namespace taupage
