#include "storage/byte_source.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "util/files.h"
#include "util/strings.h"

namespace taupage {

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

FileByteSource::FileByteSource(FileByteSource&& other) noexcept : fd_(other.fd_), size_(other.size_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

FileByteSource::~FileByteSource() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::vector<uint8_t>> FileByteSource::read_at(uint64_t offset, size_t length) const {
  if (offset > size_ || length > size_ - offset) {
    return Error(strfmt("read %s: %zu bytes at %llu lie beyond its end", path_.c_str(), length, (unsigned long long)offset));
  }
  std::vector<uint8_t> out(length);
  size_t done = 0;
  while (done < length) {
    ssize_t n = pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(strfmt("read %s at %llu: ", path_.c_str(), (unsigned long long)(offset + done)) + errno_text(errno));
    if (n == 0) return Error(strfmt("read %s at %llu: unexpected end of device", path_.c_str(), (unsigned long long)(offset + done)));
    done += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace taupage
