#include "storage/md_control.h"

#include <fcntl.h>
#include <linux/major.h>
#include <linux/raid/md_p.h>
#include <linux/raid/md_u.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/cut_point.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

std::string read_trimmed(const std::string& path) {
  auto text = read_file(path, 4096);
  return text ? std::string(trim(*text)) : std::string();
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::vector<RunningArray>> RealMdControl::running() {
  std::vector<RunningArray> arrays;
  std::string block = sysfs_root_ + "/block";
  for (const auto& name : block_names(sysfs_root_)) {  // md127, and md_<name> where mdadm named one
    std::string md = block + "/" + name + "/md";
    if (!path_exists(md)) continue;
    RunningArray array;
    array.name = name;
    array.state = read_trimmed(md + "/array_state");
    if (array.state.empty() || array.state == "clear") continue;
    array.level = read_trimmed(md + "/level");
    array.raid_disks = static_cast<int>(parse_uint(read_trimmed(md + "/raid_disks")).value_or(0));
    array.degraded = static_cast<int>(parse_uint(read_trimmed(md + "/degraded")).value_or(0));
    array.members = slaves_of(sysfs_root_, name);
    arrays.push_back(std::move(array));
  }
  return arrays;
}

Result<std::string> RealMdControl::new_array_name() {
  for (int minor = 127; minor >= 0; --minor) {
    std::string name = "md" + std::to_string(minor);
    if (path_exists(sysfs_root_ + "/block/" + name) || path_exists(dev_root_ + "/" + name)) continue;
    // Asking md_mod for the array by name makes the kernel create its disk (and devtmpfs the node).
    int fd = ::open((sysfs_root_ + "/module/md_mod/parameters/new_array").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Error("md_mod is not loaded (no new_array parameter): " + errno_text(errno));
    ssize_t n = write(fd, name.data(), name.size());
    int e = errno;
    ::close(fd);
    if (n < 0 && e == EEXIST) continue;
    if (n < 0) return Error("create " + name + ": " + errno_text(e));
    std::string node = dev_root_ + "/" + name;
    if (!path_exists(node) && mknod(node.c_str(), S_IFBLK | 0660, makedev(MD_MAJOR, minor)) != 0 && errno != EEXIST) {
      return Error("mknod " + node + ": " + errno_text(errno));
    }
    return name;
  }
  return Error("no free md device number");
}

Status RealMdControl::start(const std::string& array, const std::vector<DeviceInfo>& members) {
  std::string node = dev_root_ + "/" + array;
  Fd fd(::open(node.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) return Error("open " + node + ": " + errno_text(errno));
  mdu_array_info_t info;
  std::memset(&info, 0, sizeof info);
  // raid_disks 0: "assemble from the superblocks on the members", version 1.2. With raid_disks
  // above 0 the kernel would build a 0.90 array of its own instead.
  info.major_version = 1;
  info.minor_version = 2;
  if (ioctl(fd.get(), SET_ARRAY_INFO, &info) != 0) return Error(array + ": SET_ARRAY_INFO: " + errno_text(errno));
  disk_changed(array + ": SET_ARRAY_INFO");
  for (size_t i = 0; i < members.size(); ++i) {
    mdu_disk_info_t disk;
    std::memset(&disk, 0, sizeof disk);
    disk.number = static_cast<int>(i);
    disk.major = static_cast<int>(members[i].major);
    disk.minor = static_cast<int>(members[i].minor);
    disk.raid_disk = static_cast<int>(i);
    disk.state = (1 << MD_DISK_SYNC) | (1 << MD_DISK_ACTIVE);
    if (ioctl(fd.get(), ADD_NEW_DISK, &disk) != 0) {
      Error error(array + ": ADD_NEW_DISK " + members[i].path + ": " + errno_text(errno));
      ioctl(fd.get(), STOP_ARRAY, 0);
      return error;
    }
    disk_changed(array + ": ADD_NEW_DISK " + members[i].path);
  }
  mdu_param_t param;
  std::memset(&param, 0, sizeof param);
  if (ioctl(fd.get(), RUN_ARRAY, &param) != 0) {
    Error error(array + ": RUN_ARRAY: " + errno_text(errno));
    ioctl(fd.get(), STOP_ARRAY, 0);
    return error;
  }
  disk_changed(array + ": RUN_ARRAY");
  // md_mod start_ro=1 (Debian's default) leaves a new array read-auto; make it writable now.
  std::string state = read_trimmed(sysfs_root_ + "/block/" + array + "/md/array_state");
  if (state == "read-auto" || state == "readonly") {
    if (ioctl(fd.get(), RESTART_ARRAY_RW, 0) != 0 && errno != EBUSY) return Error(array + ": RESTART_ARRAY_RW: " + errno_text(errno));
    disk_changed(array + ": RESTART_ARRAY_RW");
  }
  return Status::Ok();
}

Status RealMdControl::add_member(const std::string& array, const DeviceInfo& member) {
  std::string node = dev_root_ + "/" + array;
  Fd fd(::open(node.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) return Error("open " + node + ": " + errno_text(errno));
  mdu_disk_info_t disk;
  std::memset(&disk, 0, sizeof disk);
  disk.major = static_cast<int>(member.major);
  disk.minor = static_cast<int>(member.minor);
  if (ioctl(fd.get(), ADD_NEW_DISK, &disk) != 0) return Error(array + ": add " + member.path + ": " + errno_text(errno));
  disk_changed(array + ": ADD_NEW_DISK " + member.path + " (added back)");
  return Status::Ok();
}

Status RealMdControl::stop(const std::string& array) {
  std::string node = dev_root_ + "/" + array;
  Fd fd(::open(node.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Error("open " + node + ": " + errno_text(errno));
  if (ioctl(fd.get(), STOP_ARRAY, 0) != 0) return Error(array + ": STOP_ARRAY: " + errno_text(errno));
  disk_changed(array + ": STOP_ARRAY");
  return Status::Ok();
}

Status RealMdControl::link(const std::string& name, const std::string& array) {
  std::string dir = dev_root_ + "/md";
  if (auto made = make_dirs(dir); !made) return made;
  std::string path = dir + "/" + name, target = "../" + array, temporary = path + ".taupage-new";
  char current[256];
  ssize_t n = readlink(path.c_str(), current, sizeof current - 1);
  if (n > 0 && std::string(current, static_cast<size_t>(n)) == target) return Status::Ok();
  ::unlink(temporary.c_str());
  if (symlink(target.c_str(), temporary.c_str()) != 0) return Error("link " + path + ": " + errno_text(errno));
  if (rename(temporary.c_str(), path.c_str()) != 0) return Error("link " + path + ": " + errno_text(errno));
  return Status::Ok();
}

MdUuid RealMdControl::new_uuid() {
  MdUuid uuid{};
  size_t done = 0;
  // A UUID needs uniqueness, not secrecy: GRND_INSECURE does not block at early boot until the
  // entropy pool is ready (about a second of jitter entropy under emulation); mdadm reads
  // /dev/urandom for the same reason. Kernels before 5.6 do not know the flag: plain getrandom.
#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif
  unsigned flags = GRND_INSECURE;
  while (done < uuid.size()) {
    ssize_t n = getrandom(uuid.data() + done, uuid.size() - done, flags);
    if (n < 0 && errno == EINVAL && flags != 0) {
      flags = 0;
      continue;
    }
    if (n > 0)
      done += static_cast<size_t>(n);
    else if (errno != EINTR)
      break;  // no getrandom: the kernel is older than any we support
  }
  return uuid;
}

}  // namespace taupage

// The superblock constants are written out in md_superblock.h (which tests and the fuzzer use
// without kernel headers); here they are checked against the kernel's own header.
static_assert(taupage::kMdFeatureRaid0Layout == MD_FEATURE_RAID0_LAYOUT);
static_assert(taupage::kMdMagic == MD_SB_MAGIC);
