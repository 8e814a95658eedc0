#include "docker/syslog_socket.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/files.h"

namespace taupage {

namespace {

// Connects a socket of `type` to `path`: 0 on success, else the errno.
int try_connect(const std::string& path, int type) {
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) return ENAMETOOLONG;
  address.sun_family = AF_UNIX;
  memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int result = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 ? 0 : errno;
  close(fd);
  return result;
}

}  // namespace

std::string find_syslog_address(const std::string& root) {
  for (const char* candidate : {"/dev/log", "/var/run/syslog", "/var/run/log"}) {
    std::string path = host_path(root, candidate);
    int error = try_connect(path, SOCK_DGRAM);
    if (error == 0) return "unixgram://" + path;
    if (error == EPROTOTYPE && try_connect(path, SOCK_STREAM) == 0) return "unix://" + path;
  }
  return {};
}

}  // namespace taupage
