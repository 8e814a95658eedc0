// FileByteSource's two ways of reading: read_at through the page cache, view_at past it (O_DIRECT)
// where the file system allows it (ext4; tmpfs from Linux 6.6 on), through the cache where it does
// not. Both must give the bytes as they are now, including bytes written a moment ago and not yet
// on the disk.
#include "storage/byte_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace taupage {
namespace {

std::vector<uint8_t> pattern(size_t size) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>((i * 131 + i / 4096) & 0xff);
  return bytes;
}

// A file of `bytes` under `folder` (written through the page cache, never synced), removed at the end.
class TempFile {
 public:
  TempFile(const std::string& folder, const std::vector<uint8_t>& bytes) {
    std::string name = folder + "/byte-source-XXXXXX";
    std::vector<char> buffer(name.begin(), name.end());
    buffer.push_back('\0');
    int fd = mkstemp(buffer.data());
    if (fd < 0) return;  // path() stays empty: the test says so
    bool written = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    close(fd);
    if (written)
      path_ = buffer.data();
    else
      unlink(buffer.data());
  }
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void expect_views_match(const std::string& folder) {
  const size_t kSize = 3 << 20;
  std::vector<uint8_t> bytes = pattern(kSize);
  TempFile file(folder, bytes);
  ASSERT_FALSE(file.path().empty()) << "no file under " << folder;
  auto source = FileByteSource::open(file.path());
  ASSERT_TRUE(source.ok()) << source.error().message();
  ASSERT_EQ(source->size(), kSize);
  struct Piece {
    uint64_t offset;
    size_t length;
  };
  // Aligned pieces (past the cache where it can), unaligned ones (through it), and the last byte.
  for (Piece p : {Piece{0, 4096}, Piece{1 << 20, 1 << 20}, Piece{4096, 128 * 1024}, Piece{100, 300}, Piece{kSize - 4096, 4096},
                  Piece{kSize - 1, 1}, Piece{8192, 4096 + 512}}) {
    auto view = source->view_at(p.offset, p.length);
    ASSERT_TRUE(view.ok()) << folder << " " << p.offset << "+" << p.length << ": " << view.error().message();
    ASSERT_EQ(view->size(), p.length);
    EXPECT_TRUE(std::equal(view->begin(), view->end(), bytes.begin() + static_cast<long>(p.offset))) << folder << " at " << p.offset;
    auto read = source->read_at(p.offset, p.length);
    ASSERT_TRUE(read.ok());
    EXPECT_TRUE(std::equal(read->begin(), read->end(), view->begin())) << folder << " at " << p.offset;
  }
  // Bytes written after the source was opened, still only in the page cache: a view sees them.
  int fd = open(file.path().c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::vector<uint8_t> fresh(4096, 0xA5);
  ASSERT_EQ(pwrite(fd, fresh.data(), fresh.size(), 2 << 20), 4096);
  close(fd);
  auto view = source->view_at(2 << 20, 4096);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(std::vector<uint8_t>(view->begin(), view->end()), fresh) << folder;
  // Beyond the end, or larger than one view: an error, never zeros.
  EXPECT_FALSE(source->view_at(kSize - 4096, 8192).ok());
  EXPECT_FALSE(source->view_at(0, ByteSource::kMaxView + 4096).ok());
}

TEST(FileByteSource, ViewsAreTheBytesAsTheyAreNowOnADiskFileSystem) {
  // /var/tmp is on the machine's own file system (ext4 here), where O_DIRECT works.
  expect_views_match("/var/tmp");
}

TEST(FileByteSource, ViewsAreTheBytesAsTheyAreNowOnTmpfsToo) {
  if (access("/dev/shm", W_OK) != 0) GTEST_SKIP() << "no writable /dev/shm";
  expect_views_match("/dev/shm");
}

TEST(FileByteSource, TheDirectReaderMovesWithTheSource) {
  std::vector<uint8_t> bytes = pattern(1 << 20);
  TempFile file("/var/tmp", bytes);
  ASSERT_FALSE(file.path().empty());
  auto opened = FileByteSource::open(file.path());
  ASSERT_TRUE(opened.ok());
  auto first = opened->view_at(0, 4096);  // opens the second descriptor and the buffer
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)[1], bytes[1]);
  FileByteSource moved(std::move(*opened));
  auto second = moved.view_at(8192, 4096);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(std::equal(second->begin(), second->end(), bytes.begin() + 8192));
  auto third = moved.view_at(1 << 19, 1 << 19);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(std::equal(third->begin(), third->end(), bytes.begin() + (1 << 19)));
}

}  // namespace
}  // namespace taupage
