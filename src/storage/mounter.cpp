#include "storage/mounter.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>

#include "storage/cut_point.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

std::string unescape(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      int value = 0;
      bool octal = true;
      for (size_t k = 1; k <= 3; ++k) {
        char c = field[i + k];
        if (c < '0' || c > '7') octal = false;
        value = value * 8 + (c - '0');
      }
      if (octal) {
        out += static_cast<char>(value);
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

}  // namespace

std::optional<MountEntry> find_in_mountinfo(const std::string& text, const std::string& path) {
  std::optional<MountEntry> found;
  for (const auto& line : split(text, '\n')) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    std::vector<std::string> fields;
    for (const auto& f : split(line, ' ')) fields.push_back(f);
    if (fields.size() < 10) continue;
    if (unescape(fields[4]) != path) continue;
    size_t dash = 6;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (dash + 2 >= fields.size()) continue;
    MountEntry entry;
    entry.fstype = fields[dash + 1];
    entry.source = unescape(fields[dash + 2]);
    auto numbers = split(fields[2], ':');
    if (numbers.size() == 2) {
      entry.major = static_cast<uint32_t>(parse_uint(numbers[0]).value_or(0));
      entry.minor = static_cast<uint32_t>(parse_uint(numbers[1]).value_or(0));
    }
    found = entry;  // the last one is the topmost
  }
  return found;
}

Result<std::optional<MountEntry>> RealMounter::mounted_at(const std::string& path) {
  auto text = read_file(mountinfo_, 4 * 1024 * 1024);
  if (!text) return std::move(text).error();
  return find_in_mountinfo(*text, path);
}

Status RealMounter::mount(const std::string& source, const std::string& target, const std::string& fstype, unsigned long flags,
                          const std::string& data) {
  // A target inside another mounted filesystem (/data/logs in /data) is in a folder the
  // application could write on an earlier boot: a link there must not move the mount.
  if (auto real = refuse_symlinks(target); !real) return Error(real.error()).wrap("mount " + source + " on " + target);
  if (::mount(source.c_str(), target.c_str(), fstype.c_str(), flags, data.empty() ? nullptr : data.c_str()) != 0) {
    return Error("mount " + source + " on " + target + " (" + fstype + (data.empty() ? "" : ", " + data) + "): " + errno_text(errno));
  }
  // Mounting a device writes to it (the journal, the mount count); a tmpfs changes no disk.
  if (source.rfind("/", 0) == 0) disk_changed("mount " + source + " on " + target);
  return Status::Ok();
}

Status RealMounter::make_dirs(const std::string& path) {
  if (auto real = refuse_symlinks(path); !real) return Error(real.error()).wrap("mkdir " + path);
  return taupage::make_dirs(path, 0755);
}

Status RealMounter::open_up(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Error("stat " + path + ": " + errno_text(errno));
  if (chmod(path.c_str(), (st.st_mode & 07777) | 0077) != 0) return Error("chmod " + path + ": " + errno_text(errno));
  disk_changed("chmod g+rwx,o+rwx " + path);
  return Status::Ok();
}

}  // namespace taupage
