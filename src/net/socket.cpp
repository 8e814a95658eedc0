#include "net/socket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/files.h"
#include "util/strings.h"

namespace taupage {

Status wait_for_fd(int fd, short events, const Deadline& deadline) {
  while (true) {
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, deadline.poll_timeout());
    if (ready > 0) return Status::Ok();
    if (ready == 0) return Error("timed out");
    if (errno != EINTR) return Error("poll: " + errno_text(errno));
  }
}

std::string address_text(const IpAddress& address, uint16_t port) {
  return address.v6 ? strfmt("[%s]:%u", address.text().c_str(), port) : strfmt("%s:%u", address.text().c_str(), port);
}

Socket::~Socket() {
  if (fd_ >= 0) ::close(fd_);
}

// Completes a non-blocking connect: waits for writability, then reads the outcome from SO_ERROR.
static Status finish_connect(int fd, const Deadline& deadline) {
  Status ready = wait_for_fd(fd, POLLOUT, deadline);
  if (!ready) return ready;
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return Error("getsockopt: " + errno_text(errno));
  if (error != 0) return Error(errno_text(error));
  return Status::Ok();
}

Result<std::unique_ptr<Socket>> Socket::connect_tcp(const IpAddress& address, uint16_t port, const Deadline& deadline) {
  std::string where = "connect " + address_text(address, port);
  int fd = ::socket(address.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error("socket: " + errno_text(errno)).wrap(where);
  auto socket = std::make_unique<Socket>(fd);
  int rc;
  if (address.v6) {
    sockaddr_in6 target{};
    target.sin6_family = AF_INET6;
    target.sin6_port = htons(port);
    std::memcpy(&target.sin6_addr, address.bytes.data(), 16);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target);
  } else {
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(port);
    std::memcpy(&target.sin_addr, address.bytes.data(), 4);
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target);
  }
  if (rc != 0) {
    if (errno != EINPROGRESS && errno != EINTR) return Error(errno_text(errno)).wrap(where);
    Status done = finish_connect(fd, deadline);
    if (!done) return std::move(done).error().wrap(where);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return socket;
}

Result<std::unique_ptr<Socket>> Socket::connect_unix(const std::string& path, const Deadline& deadline) {
  std::string where = "connect unix:" + path;
  sockaddr_un target{};
  if (path.empty() || path.size() >= sizeof target.sun_path) return Error("socket path is empty or too long").wrap(where);
  target.sun_family = AF_UNIX;
  std::memcpy(target.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error("socket: " + errno_text(errno)).wrap(where);
  auto socket = std::make_unique<Socket>(fd);
  // A unix connect either completes at once or fails with EAGAIN when the listener's backlog is
  // full; there is nothing to poll for, so it is retried briefly until the deadline.
  while (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
    if (errno == EINTR) continue;
    if (errno == EINPROGRESS) {
      Status done = finish_connect(fd, deadline);
      if (!done) return std::move(done).error().wrap(where);
      break;
    }
    if (errno != EAGAIN) return Error(errno_text(errno)).wrap(where);
    if (deadline.expired()) return Error("timed out (listener backlog full)").wrap(where);
    ::poll(nullptr, 0, 10);
  }
  return socket;
}

Result<size_t> Socket::read_some(char* buffer, size_t size, const Deadline& deadline) {
  while (true) {
    ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Error("read: " + errno_text(errno));
    Status ready = wait_for_fd(fd_, POLLIN, deadline);
    if (!ready) return ready.error();
  }
}

Status Socket::write_all(std::string_view data, const Deadline& deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Error("write: " + errno_text(errno));
    Status ready = wait_for_fd(fd_, POLLOUT, deadline);
    if (!ready) return ready;
  }
  return Status::Ok();
}

bool Socket::reusable() {
  // An idle connection has nothing to read: readable means closed by the peer, or junk.
  pollfd entry{fd_, POLLIN, 0};
  return ::poll(&entry, 1, 0) == 0;
}

}  // namespace taupage
