#include "steps/step_meta.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "steps/container_spec.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

// root:999 0750 on the folder and root:999 0640 on the file: the application's group reads, no
// other unprivileged user even sees the names (the user data may carry plain registry passwords).
constexpr mode_t kFolderMode = 0750;
constexpr mode_t kFileMode = 0640;

// Sets owner root:999 and `mode` when they differ; true when something was changed.
Result<bool> ensure_owner_and_mode(const std::string& path, mode_t mode) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Error("stat " + path + ": " + errno_text(errno));
  bool changed = false;
  if (st.st_uid != 0 || st.st_gid != kApplicationGid) {
    if (::lchown(path.c_str(), 0, kApplicationGid) != 0) return Error("chown " + path + ": " + errno_text(errno));
    changed = true;
  }
  if ((st.st_mode & 07777) != mode) {
    if (::chmod(path.c_str(), mode) != 0) return Error("chmod " + path + ": " + errno_text(errno));
    changed = true;
  }
  return changed;
}

class MetaStep : public Step {
 public:
  std::string_view name() const override { return "meta"; }
  Stage stage() const override { return Stage::Late; }

  std::vector<PlanAction> describe(const Config& config) const override {
    return {{strfmt("the user data as received (%zu bytes, aws:kms: values still encrypted) to %s, root:999 0640; "
                    "the container sees /meta read-only",
                    config.user_data.size(), kMetaUserDataPath),
             ""}};
  }

  Outcome run(Context& context) override {
    const std::string folder = host_path(context.settings.root, kMetaDir);
    const std::string path = host_path(context.settings.root, kMetaUserDataPath);
    // A link here would let whoever made it choose where the user data goes.
    for (const auto& p : {folder, path}) {
      struct stat st {};
      if (::lstat(p.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return Outcome::failed(p + " is a symbolic link; it is not followed");
    }
    if (auto made = make_dirs(folder, kFolderMode); !made) return Outcome::failed(made.error().message());
    auto folder_fixed = ensure_owner_and_mode(folder, kFolderMode);
    if (!folder_fixed) return Outcome::failed(folder_fixed.error().message());

    const std::string& wanted = context.config.user_data;
    bool existed = path_exists(path);
    bool same = false;
    if (existed) {
      auto current = read_file(path, 1 << 20);
      same = current && *current == wanted;
    }
    if (!same) {
      if (auto written = write_file_atomic(path, wanted, kFileMode, FileOwner{0, kApplicationGid}); !written)
        return Outcome::failed(written.error().message());
    }
    auto file_fixed = ensure_owner_and_mode(path, kFileMode);
    if (!file_fixed) return Outcome::failed(file_fixed.error().message());

    std::string detail = strfmt("%s (%zu bytes, root:999 0640)", kMetaUserDataPath, wanted.size());
    if (!existed) return Outcome::created(detail);
    if (!same) return Outcome::changed(detail + ", the user data changed");
    if (*folder_fixed || *file_fixed) return Outcome::changed(detail + ", owner or mode put back");
    return Outcome::kept(detail);
  }
};

}  // namespace

std::unique_ptr<Step> make_meta_step() { return std::make_unique<MetaStep>(); }

}  // namespace taupage
