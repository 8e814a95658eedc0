/// Sockets with deadlines: the one place src/net touches the kernel's socket calls. Every
/// descriptor is non-blocking and close-on-exec; connect, read and write wait with poll() until
/// the caller's Deadline, never longer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "net/deadline.h"
#include "net/ip_address.h"
#include "net/stream.h"
#include "util/result.h"

namespace taupage {

// Waits until fd is ready for `events` (POLLIN, POLLOUT); an error when the deadline passes.
Status wait_for_fd(int fd, short events, const Deadline& deadline);

class Socket : public Stream {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() override;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  static Result<std::unique_ptr<Socket>> connect_tcp(const IpAddress& address, uint16_t port, const Deadline& deadline);
  static Result<std::unique_ptr<Socket>> connect_unix(const std::string& path, const Deadline& deadline);

  Result<size_t> read_some(char* buffer, size_t size, const Deadline& deadline) override;
  Status write_all(std::string_view data, const Deadline& deadline) override;
  bool reusable() override;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// "10.0.0.1:443", "[::1]:8080"
std::string address_text(const IpAddress& address, uint16_t port);

}  // namespace taupage
