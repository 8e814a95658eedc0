#include "firewall/netlink_channel.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

constexpr int kSocketBufferBytes = 1 << 20;  // a batch of a few hundred rules fits at once
constexpr size_t kReceiveBufferBytes = 64 * 1024;

}  // namespace

KernelNetlinkChannel::~KernelNetlinkChannel() {
  if (fd_ >= 0) ::close(fd_);
}

Status KernelNetlinkChannel::open() {
  if (fd_ >= 0) return {};
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd < 0) return Error(errno_text(errno)).wrap("open a netfilter netlink socket");
  int size = kSocketBufferBytes;
  // A whole batch must fit the send buffer, and all its acknowledgements the receive buffer.
  // The defaults (about 200 KiB) hold a few hundred rules; as root we may go past the sysctl
  // limits with the FORCE variants. Best effort: ordinary configs fit the defaults.
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0) ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  int on = 1;
  // Errors echo only the failing message's header, and carry the kernel's text when it has one.
  ::setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    int e = errno;
    ::close(fd);
    return Error(errno_text(e)).wrap("bind the netfilter netlink socket");
  }
  fd_ = fd;
  return {};
}

Status KernelNetlinkChannel::send(const Bytes& messages) {
  if (auto opened = open(); !opened) return opened;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  while (true) {
    ssize_t n = ::sendto(fd_, messages.data(), messages.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(errno_text(errno)).wrap(strfmt("send %zu bytes to nf_tables", messages.size()));
    if (static_cast<size_t>(n) != messages.size()) return Error(strfmt("sent %zd of %zu bytes to nf_tables", n, messages.size()));
    return {};
  }
}

Result<Bytes> KernelNetlinkChannel::receive(int timeout_ms) {
  if (auto opened = open(); !opened) return opened.error();
  Bytes out;
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, timeout_ms);
  if (ready < 0 && errno != EINTR) return Error(errno_text(errno)).wrap("wait for nf_tables");
  if (ready <= 0) return out;
  Bytes buffer(kReceiveBufferBytes);
  while (true) {
    ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return out;
      return Error(errno_text(errno)).wrap("read the replies of nf_tables");
    }
    if (n == 0) return out;
    out.insert(out.end(), buffer.begin(), buffer.begin() + n);
  }
}

}  // namespace taupage
