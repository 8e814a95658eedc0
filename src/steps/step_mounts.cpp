#include "steps/step_mounts.h"

#include <sys/mount.h>

#include <algorithm>

#include "steps/mount_decision.h"
#include "steps/storage_changes.h"
#include "storage/block_devices.h"
#include "storage/filesystem_tools.h"
#include "storage/mount_options.h"
#include "storage/mounter.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

constexpr uint64_t kGrowThreshold = 1024 * 1024;  // grow when the device has at least 1 MiB more

std::string join_path(const std::string& root, const std::string& rest) {
  std::string out = root;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out == "/") out.clear();
  return out + rest;
}

// The raid step of this run created the device and zeroed its ends through it: it is blank, and
// reading its first and last MiB again would only cost the time. Taken once: the device is
// formatted next, and a second mount of it under another name must find that filesystem.
bool take_created_blank(Context& context, const DeviceInfo& device) {
  auto it = std::find(context.created_blank.begin(), context.created_blank.end(), std::make_pair(device.major, device.minor));
  if (it == context.created_blank.end()) return false;
  context.created_blank.erase(it);
  return true;
}

Result<ProbeResult> probe_device(Context& context, const DeviceInfo& device) {
  auto source = context.services.block_devices->open(device.path);
  if (!source) return std::move(source).error();
  return probe(**source);
}

std::string tail_lines(const std::string& text) {
  auto lines = split(std::string(trim(text)), '\n');
  if (lines.size() > 3) lines.erase(lines.begin(), lines.end() - 3);
  return join(lines, " / ");
}

class MountsStep : public Step {
 public:
  std::string_view name() const override { return "mounts"; }
  bool deferrable() const override { return true; }
  Stage stage() const override { return Stage::Early; }

  std::vector<PlanAction> describe(const Config& config) const override {
    std::vector<PlanAction> actions;
    for (const auto& m : config.mounts) {
      std::string how =
          m.partition == "none" || m.filesystem == "tmpfs"
              ? "tmpfs"
              : m.partition + " " + m.filesystem + (m.erase_on_boot ? ", erased on every boot" : ", formatted only if blank, never erased");
      actions.push_back(
          {"/mounts" + m.target + " <- " + how + (m.options.empty() ? "" : " (" + m.options + ")"), strfmt("line %d", m.mark.line)});
    }
    return actions;
  }

  Outcome run(Context& context) override {
    const Config& config = context.config;
    if (config.mounts.empty()) return Outcome::skipped("no mounts in the config");
    if (context.services.block_devices == nullptr || context.services.mounter == nullptr || context.services.tools == nullptr) {
      return Outcome::failed("mounts: no block device, mount or tool access in this build");
    }
    Mounter& mounter = *context.services.mounter;
    const std::string mounts_root = join_path(context.settings.root, "/mounts");
    auto top = mounter.mounted_at(mounts_root);
    if (!top) return Outcome::failed(top.error().message());
    if (!*top || (*top)->fstype != "tmpfs") {
      // The real root is read-only in the initramfs, and the mount points must survive switch_root.
      if (auto made = mounter.make_dirs(mounts_root); !made) return Outcome::failed(made.error().message());
      if (auto m = mounter.mount("taupage-mounts", mounts_root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m"); !m) {
        return Outcome::failed(m.error().message());
      }
    }

    std::vector<const MountSpec*> specs;
    for (const auto& m : config.mounts) specs.push_back(&m);
    std::stable_sort(specs.begin(), specs.end(), [](const MountSpec* a, const MountSpec* b) { return a->target < b->target; });
    std::vector<Done> done;
    for (const MountSpec* spec : specs) {
      auto result = one(context, *spec, join_path(mounts_root, spec->target));
      if (!result) return Outcome::failed(refusal_after_changes(context.storage_changes, result.error().message()));
      done.push_back(*result);
    }
    return combined_outcome(done);
  }

 private:
  using Done = std::pair<std::string, OutcomeKind>;

  Result<Done> one(Context& context, const MountSpec& spec, const std::string& target) {
    Mounter& mounter = *context.services.mounter;
    ToolRunner& tools = *context.services.tools;
    auto options = split_mount_options(spec.options);
    if (!options) return std::move(options).error().wrap(spec.target);
    auto existing = mounter.mounted_at(target);
    if (!existing) return std::move(existing).error().wrap(spec.target);

    if (spec.partition == "none" || spec.filesystem == "tmpfs") {
      if (*existing) {
        if ((*existing)->fstype == "tmpfs") return Done{spec.target + " tmpfs kept", OutcomeKind::Kept};
        return Error(spec.target + ": " + target + " is already mounted from " + (*existing)->source + ", not a tmpfs");
      }
      if (auto made = mounter.make_dirs(target); !made) return std::move(made).error().wrap(spec.target);
      if (auto m = mounter.mount("tmpfs", target, "tmpfs", options->flags, options->data); !m)
        return std::move(m).error().wrap(spec.target);
      if (auto o = mounter.open_up(target); !o) return std::move(o).error().wrap(spec.target);
      return Done{spec.target + " tmpfs mounted", OutcomeKind::Created};
    }

    auto device = context.services.block_devices->find(spec.partition, context.settings.device_wait_seconds);
    if (!device) return std::move(device).error().wrap(spec.target);
    if (*existing) {
      if ((*existing)->major == device->major && (*existing)->minor == device->minor) {
        return Done{spec.target + " kept (already mounted from " + spec.partition + ")", OutcomeKind::Kept};
      }
      return Error(spec.target + ": " + target + " is already mounted from " + (*existing)->source + ", not from " + spec.partition +
                   "; nothing was changed");
    }
    auto probed =
        take_created_blank(context, *device) ? Result<ProbeResult>(ProbeResult{Content::Blank, 0}) : probe_device(context, *device);
    if (!probed) return std::move(probed).error().wrap(spec.target);
    MountDecision decision = decide_mount(spec, probed->content);
    OutcomeKind kind = OutcomeKind::Kept;
    std::string what;
    switch (decision.action) {
      case MountAction::Refuse: return Error(decision.reason);
      case MountAction::Format: {
        auto run = tools.run("mkfs." + spec.filesystem, mkfs_arguments(spec.filesystem, device->path, context.config.root));
        if (!run) return std::move(run).error().wrap(spec.target);
        if (run->exit_code != 0) {
          return Error(strfmt("%s: mkfs.%s %s failed (exit %d): %s", spec.target.c_str(), spec.filesystem.c_str(), device->path.c_str(),
                              run->exit_code, tail_lines(run->output).c_str()));
        }
        kind = OutcomeKind::Created;
        what = spec.target + " " + decision.reason;
        context.storage_changes.push_back("mounts formatted " + spec.partition + " as " + spec.filesystem);
        break;
      }
      case MountAction::Mount: {
        what = spec.target + " " + spec.filesystem;
        if (is_ext(spec.filesystem)) {
          auto run = tools.run("fsck." + spec.filesystem, {"-p", device->path});
          if (!run) return std::move(run).error().wrap(spec.target);
          switch (fsck_verdict(run->exit_code)) {
            case FsckVerdict::Clean: what += ", fsck clean"; break;
            case FsckVerdict::Repaired:
              Log::warn(strfmt("mounts %s: fsck.%s -p repaired %s (exit %d): %s", spec.target.c_str(), spec.filesystem.c_str(),
                               device->path.c_str(), run->exit_code, tail_lines(run->output).c_str()));
              what += ", fsck repaired errors";
              context.storage_changes.push_back("mounts fsck repaired " + spec.partition);
              kind = OutcomeKind::Changed;
              break;
            case FsckVerdict::Unfixable:
              return Error(
                  strfmt("%s: fsck.%s -p %s found errors it cannot fix (exit %d): %s; the device was neither formatted nor "
                         "mounted, run fsck.%s by hand",
                         spec.target.c_str(), spec.filesystem.c_str(), device->path.c_str(), run->exit_code,
                         tail_lines(run->output).c_str(), spec.filesystem.c_str()));
          }
        }
        break;
      }
    }
    if (auto made = mounter.make_dirs(target); !made) return std::move(made).error().wrap(spec.target);
    if (auto m = mounter.mount(device->path, target, spec.filesystem, options->flags, options->data); !m) {
      return std::move(m).error().wrap(spec.target);
    }
    if (decision.action == MountAction::Mount && probed->filesystem_bytes > 0 &&
        device->bytes > probed->filesystem_bytes + kGrowThreshold) {
      bool ext = is_ext(spec.filesystem);
      if (ext || spec.filesystem == "xfs") {
        auto run = ext ? tools.run("resize2fs", {device->path}) : tools.run("xfs_growfs", {target});
        if (run && run->exit_code == 0) {
          what += strfmt(", grown from %llu to %llu MiB", (unsigned long long)(probed->filesystem_bytes >> 20),
                         (unsigned long long)(device->bytes >> 20));
          if (kind == OutcomeKind::Kept) kind = OutcomeKind::Changed;
          context.storage_changes.push_back("mounts grew the filesystem on " + spec.partition);
        } else {
          // The data is intact and mounted; a bigger filesystem can wait for the next boot.
          Log::warn("mounts " + spec.target + ": growing the filesystem failed: " +
                    (run ? strfmt("exit %d: ", run->exit_code) + tail_lines(run->output) : run.error().message()));
        }
      }
    }
    if (auto o = mounter.open_up(target); !o) return std::move(o).error().wrap(spec.target);
    return Done{what, kind};
  }
};

}  // namespace

std::unique_ptr<Step> make_mounts_step() { return std::make_unique<MountsStep>(); }

}  // namespace taupage
