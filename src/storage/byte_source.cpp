#include "storage/byte_source.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "util/files.h"
#include "util/strings.h"

namespace taupage {

Result<std::span<const uint8_t>> ByteSource::view_at(uint64_t offset, size_t length) const {
  if (length > kMaxView) return Error(strfmt("read %s: a view of %zu bytes is larger than %zu", name().c_str(), length, kMaxView));
  auto bytes = read_at(offset, length);
  if (!bytes) return std::move(bytes).error();
  view_ = std::move(*bytes);
  return std::span<const uint8_t>(view_);
}

Result<std::span<const uint8_t>> MemoryByteSource::view_at(uint64_t offset, size_t length) const {
  if (length > kMaxView || offset > bytes_.size() || length > bytes_.size() - offset) return ByteSource::view_at(offset, length);
  return std::span<const uint8_t>(bytes_.data() + offset, length);
}

Result<std::vector<uint8_t>> MemoryByteSource::read_at(uint64_t offset, size_t length) const {
  if (offset > bytes_.size() || length > bytes_.size() - offset) {
    return Error(strfmt("read %zu bytes at %llu: beyond the end (%zu bytes)", length, (unsigned long long)offset, bytes_.size()));
  }
  return std::vector<uint8_t>(bytes_.begin() + static_cast<long>(offset), bytes_.begin() + static_cast<long>(offset + length));
}

Result<FileByteSource> FileByteSource::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error("open " + path + ": " + errno_text(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Error("stat " + path + ": " + errno_text(e));
  }
  uint64_t size = 0;
  if (S_ISBLK(st.st_mode)) {
    if (ioctl(fd, BLKGETSIZE64, &size) != 0) {
      int e = errno;
      ::close(fd);
      return Error("size of " + path + ": " + errno_text(e));
    }
  } else if (S_ISREG(st.st_mode)) {
    size = static_cast<uint64_t>(st.st_size);
  } else {
    ::close(fd);
    return Error(path + " is neither a block device nor a file");
  }
  return FileByteSource(fd, size, path);
}

FileByteSource::FileByteSource(FileByteSource&& other) noexcept
    : fd_(other.fd_),
      size_(other.size_),
      path_(std::move(other.path_)),
      direct_fd_(other.direct_fd_),
      direct_buffer_(other.direct_buffer_) {
  other.fd_ = -1;
  other.direct_fd_ = -1;
  other.direct_buffer_ = nullptr;
}

FileByteSource::~FileByteSource() {
  if (fd_ >= 0) ::close(fd_);
  close_direct();
}

Result<std::vector<uint8_t>> FileByteSource::read_at(uint64_t offset, size_t length) const {
  if (offset > size_ || length > size_ - offset) {
    return Error(strfmt("read %s: %zu bytes at %llu lie beyond its end", path_.c_str(), length, (unsigned long long)offset));
  }
  std::vector<uint8_t> out(length);
  if (auto r = read_into(fd_, out.data(), offset, length); !r) return std::move(r).error();
  return out;
}

Result<std::span<const uint8_t>> FileByteSource::view_at(uint64_t offset, size_t length) const {
  if (length > kMaxView || offset > size_ || length > size_ - offset || offset % kDirectAlign != 0 || length % kDirectAlign != 0) {
    return ByteSource::view_at(offset, length);
  }
  if (direct_fd_ == -2) open_direct();
  if (direct_fd_ < 0) return ByteSource::view_at(offset, length);
  int error_number = 0;
  if (auto r = read_into(direct_fd_, direct_buffer_, offset, length, &error_number); !r) {
    // Any other error fails the view, as a buffered read's would: never "zeros".
    if (error_number != EINVAL) return std::move(r).error();
    // Blocks larger than the 4 KiB alignment: from now on through the page cache.
    close_direct();
    return ByteSource::view_at(offset, length);
  }
  return std::span<const uint8_t>(direct_buffer_, length);
}

// The same open file again, for O_DIRECT: through /proc/self/fd, never the path (which could name
// something else by now), and only if it is the same file (no disk reused its number meanwhile).
void FileByteSource::open_direct() const {
  direct_fd_ = ::open(("/proc/self/fd/" + std::to_string(fd_)).c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
  if (direct_fd_ < 0) {
    direct_fd_ = -1;
    return;
  }
  struct stat first {
  }, again{};
  bool same = fstat(fd_, &first) == 0 && fstat(direct_fd_, &again) == 0 && first.st_dev == again.st_dev && first.st_ino == again.st_ino &&
              first.st_rdev == again.st_rdev;
  if (same) direct_buffer_ = static_cast<uint8_t*>(std::aligned_alloc(kDirectAlign, kMaxView));
  if (!same || direct_buffer_ == nullptr) close_direct();
}

void FileByteSource::close_direct() const {
  if (direct_fd_ >= 0) ::close(direct_fd_);
  direct_fd_ = -1;
  std::free(direct_buffer_);
  direct_buffer_ = nullptr;
}

Status FileByteSource::read_into(int fd, uint8_t* out, uint64_t offset, size_t length, int* error_number) const {
  size_t done = 0;
  while (done < length) {
    ssize_t n = pread(fd, out + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && error_number != nullptr) *error_number = errno;
    if (n < 0) return Error(strfmt("read %s at %llu: ", path_.c_str(), (unsigned long long)(offset + done)) + errno_text(errno));
    if (n == 0) return Error(strfmt("read %s at %llu: unexpected end of device", path_.c_str(), (unsigned long long)(offset + done)));
    done += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace taupage
