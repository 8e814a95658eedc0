#include "support/scripted_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <map>

namespace taupage::testing {

namespace {

// A complete request's length in `data` (head and Content-Length body), or 0 while incomplete.
size_t complete_request(const std::string& data) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  std::string head = data.substr(0, end);
  for (char& c : head) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  size_t body = 0;
  size_t at = head.find("content-length:");
  if (at != std::string::npos) body = std::stoul(head.substr(at + 15));
  size_t total = end + 4 + body;
  return data.size() >= total ? total : 0;
}

}  // namespace

std::unique_ptr<ScriptedServer> ScriptedServer::tcp(Handler handler, bool ipv6) {
  std::unique_ptr<ScriptedServer> server(new ScriptedServer());
  server->handler_ = std::move(handler);
  int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (ipv6) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    server->port_ = ntohs(address.sin6_port);
  } else {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    server->port_ = ntohs(address.sin_port);
  }
  server->start(fd);
  return server;
}

std::unique_ptr<ScriptedServer> ScriptedServer::unix_socket(Handler handler) {
  std::unique_ptr<ScriptedServer> server(new ScriptedServer());
  server->handler_ = std::move(handler);
  char dir[] = "/tmp/net-http-XXXXXX";
  server->temp_dir_ = ::mkdtemp(dir);
  server->socket_path_ = server->temp_dir_ + "/server.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, server->socket_path_.c_str(), sizeof address.sun_path - 1);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  server->start(fd);
  return server;
}

void ScriptedServer::start(int listen_fd) {
  listen_fd_ = listen_fd;
  ::listen(listen_fd_, 16);
  if (::pipe2(wake_fd_, O_CLOEXEC) != 0) abort();
  thread_ = std::thread([this] { run(); });
}

ScriptedServer::~ScriptedServer() {
  if (::write(wake_fd_[1], "x", 1) < 0) abort();
  thread_.join();
  ::close(wake_fd_[0]);
  ::close(wake_fd_[1]);
  ::close(listen_fd_);
  if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
  if (!temp_dir_.empty()) ::rmdir(temp_dir_.c_str());
}

std::vector<std::string> ScriptedServer::requests() {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void ScriptedServer::run() {
  std::map<int, std::string> clients;  // fd -> bytes received and not yet answered
  while (true) {
    std::vector<pollfd> fds = {{wake_fd_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const auto& client : clients) fds.push_back({client.first, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents) break;
    if (fds[1].revents & POLLIN) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        clients[fd];
        ++connections_;
      }
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      int fd = fds[i].fd;
      char buffer[65536];
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fd);
        clients.erase(fd);
        continue;
      }
      std::string& data = clients[fd];
      data.append(buffer, static_cast<size_t>(n));
      bool closed = false;
      while (size_t length = complete_request(data)) {
        std::string request = data.substr(0, length);
        data.erase(0, length);
        {
          std::lock_guard<std::mutex> lock(mutex_);
          requests_.push_back(request);
        }
        ScriptedReply reply = handler_(request);
        if (reply.hang) continue;
        size_t written = 0;
        while (written < reply.bytes.size()) {
          ssize_t w = ::send(fd, reply.bytes.data() + written, reply.bytes.size() - written, MSG_NOSIGNAL);
          if (w <= 0) break;
          written += static_cast<size_t>(w);
        }
        if (reply.close) {
          ::close(fd);
          clients.erase(fd);
          closed = true;
          break;
        }
      }
      (void)closed;
    }
  }
  for (const auto& client : clients) ::close(client.first);
}

uint16_t unused_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace taupage::testing
