#include "storage/block_devices.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "storage/cut_point.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return names;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::optional<std::string> nvme_by_serial(const std::string& sysfs_root, const std::string& serial) {
  for (const auto& name : list_dir(sysfs_root + "/block")) {
    if (name.rfind("nvme", 0) != 0) continue;
    auto text = read_file(sysfs_root + "/block/" + name + "/device/serial", 4096);
    // The kernel pads the serial with spaces; EBS writes "vol0abc..." without the dash.
    if (text && trim(*text) == serial) return name;
  }
  return std::nullopt;
}

std::vector<std::string> block_names(const std::string& sysfs_root) { return list_dir(sysfs_root + "/block"); }

std::vector<std::string> slaves_of(const std::string& sysfs_root, const std::string& name) {
  return list_dir(sysfs_root + "/block/" + name + "/slaves");
}

Result<DeviceInfo> RealBlockDevices::find(const std::string& path, double wait_seconds) {
  const int64_t deadline = clock_.monotonic_ms() + static_cast<int64_t>(wait_seconds * 1000);
  struct stat st {};
  while (stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Error("stat " + path + ": " + errno_text(errno));
    if (clock_.monotonic_ms() >= deadline) return Error(strfmt("%s did not appear within %.0f s", path.c_str(), wait_seconds));
    clock_.sleep_ms(100);
  }
  if (!S_ISBLK(st.st_mode)) return Error(path + " is not a block device");
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return Error("resolve " + path + ": " + errno_text(errno));
  DeviceInfo info;
  info.path = resolved;
  info.name = info.path.substr(info.path.rfind('/') + 1);
  info.major = major(st.st_rdev);
  info.minor = minor(st.st_rdev);
  int fd = ::open(resolved, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error("open " + path + ": " + errno_text(errno));
  int rc = ioctl(fd, BLKGETSIZE64, &info.bytes);
  int e = errno;
  ::close(fd);
  if (rc != 0) return Error("size of " + path + ": " + errno_text(e));
  return info;
}

Result<std::unique_ptr<ByteSource>> RealBlockDevices::open(const std::string& path) {
  auto source = FileByteSource::open(path);
  if (!source) return std::move(source).error();
  return std::unique_ptr<ByteSource>(new FileByteSource(std::move(*source)));
}

namespace {

// Writes `length` bytes of `buffer` (repeated when shorter: zeros) at `offset`; a short write goes
// on from where it stopped, in the buffer too.
Status write_fully(int fd, const std::string& path, uint64_t offset, const uint8_t* buffer, size_t buffer_length, uint64_t length) {
  uint64_t done = 0;
  while (done < length) {
    size_t at = static_cast<size_t>(done % buffer_length);
    size_t want = static_cast<size_t>(std::min<uint64_t>(length - done, buffer_length - at));
    ssize_t n = pwrite(fd, buffer + at, want, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error(strfmt("write %s at %llu: ", path.c_str(), (unsigned long long)(offset + done)) + errno_text(errno));
    done += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

// Flushes what was written through `fd` to the disk and closes it; the cut point after the flush.
Status flush_and_close(int fd, const std::string& path) {
  if (fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return Error("flush " + path + ": " + errno_text(e));
  }
  ::close(fd);
  disk_changed("flush " + path);
  return Status::Ok();
}

// Zeros an extent of a block device through the block layer (BLKZEROOUT): the device's own Write
// Zeroes command where it has one (NVMe, virtio-blk, md over them), else the kernel's zero page,
// with nothing copied from here; the page cache of the range is dropped, so a later read sees the
// zeros. False where it does not apply (a regular file, a range off the logical block size): the
// caller writes the zeros itself.
bool zero_out(int fd, const Extent& e) {
  uint64_t range[2] = {e.offset, e.length};
  return e.length > 0 && ioctl(fd, BLKZEROOUT, range) == 0;
}

}  // namespace

Status RealBlockDevices::write_zeros(const std::string& path, const std::vector<Extent>& extents) {
  uint64_t longest = 0;
  for (const Extent& e : extents) longest = std::max(longest, e.length);
  std::vector<uint8_t> zeros;  // made only when an extent must be written from here
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error("open " + path + " for writing: " + errno_text(errno));
  for (const Extent& e : extents) {
    if (!zero_out(fd, e)) {
      if (zeros.empty()) zeros.assign(static_cast<size_t>(std::min<uint64_t>(std::max<uint64_t>(longest, 1), 1024 * 1024)), 0);
      if (auto w = write_fully(fd, path, e.offset, zeros.data(), zeros.size(), e.length); !w) {
        ::close(fd);
        return w;
      }
    }
    disk_changed(
        strfmt("write %s at %llu (%llu bytes), not flushed", path.c_str(), (unsigned long long)e.offset, (unsigned long long)e.length));
  }
  // One flush for all the extents: a flush per extent made the creation's zeroing several
  // times slower than the writes themselves, and nothing is ordered between these extents.
  return flush_and_close(fd, path);
}

Status RealBlockDevices::write_at(const std::string& path, uint64_t offset, const std::vector<uint8_t>& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error("open " + path + " for writing: " + errno_text(errno));
  if (auto w = write_fully(fd, path, offset, bytes.data(), bytes.size(), bytes.size()); !w) {
    ::close(fd);
    return w;
  }
  // Two cut points: the bytes in the page cache only (lost at a power cut), then on the disk.
  disk_changed(strfmt("write %s at %llu (%zu bytes), not flushed", path.c_str(), (unsigned long long)offset, bytes.size()));
  return flush_and_close(fd, path);
}

}  // namespace taupage
