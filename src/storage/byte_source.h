/// A read-only view of a block device or an image file: its size and the bytes at an offset.
/// The probe and the md superblock reader look at devices only through it, so that tests can hand
/// them image files made by the real tools, or bytes in memory.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "util/result.h"

namespace taupage {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Exactly `length` bytes at `offset`, or an error (a short read is an error: never "zeros").
  virtual Result<std::vector<uint8_t>> read_at(uint64_t offset, size_t length) const = 0;
  // The same bytes (at most kMaxView) in the source's own buffer, valid until the next call: for
  // scans over MiBs that are looked at once (the blank rule), without an allocation or a copy each.
  virtual Result<std::span<const uint8_t>> view_at(uint64_t offset, size_t length) const;
  virtual std::string name() const = 0;
  static constexpr size_t kMaxView = 1024 * 1024;

 private:
  mutable std::vector<uint8_t> view_;
};

// Bytes held in memory (tests, fuzzing).
class MemoryByteSource : public ByteSource {
 public:
  MemoryByteSource(std::vector<uint8_t> bytes, std::string name = "memory") : bytes_(std::move(bytes)), name_(std::move(name)) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<std::vector<uint8_t>> read_at(uint64_t offset, size_t length) const override;
  Result<std::span<const uint8_t>> view_at(uint64_t offset, size_t length) const override;
  std::string name() const override { return name_; }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
  std::string name_;
};

// A device node or an image file, opened read-only (the size of a block device comes from
// BLKGETSIZE64, of a file from fstat). Its views of aligned pieces are read past the page cache
// (O_DIRECT, into one aligned buffer): the blank rule's MiBs are read once and never needed again,
// and filling the cache with them and copying them out of it was most of a probe's time.
class FileByteSource : public ByteSource {
 public:
  static Result<FileByteSource> open(const std::string& path);
  FileByteSource(FileByteSource&& other) noexcept;
  FileByteSource& operator=(FileByteSource&&) = delete;
  ~FileByteSource() override;
  uint64_t size() const override { return size_; }
  Result<std::vector<uint8_t>> read_at(uint64_t offset, size_t length) const override;
  Result<std::span<const uint8_t>> view_at(uint64_t offset, size_t length) const override;
  std::string name() const override { return path_; }

 private:
  FileByteSource(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}
  static constexpr size_t kDirectAlign = 4096;  // the largest logical block size O_DIRECT may ask for
  void open_direct() const;
  void close_direct() const;
  Status read_into(int fd, uint8_t* out, uint64_t offset, size_t length, int* error_number = nullptr) const;
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
  mutable int direct_fd_ = -2;  // -2: not opened yet; -1: O_DIRECT not possible here
  mutable uint8_t* direct_buffer_ = nullptr;
};

}  // namespace taupage
