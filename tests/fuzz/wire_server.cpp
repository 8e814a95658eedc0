#include "fuzz/wire_server.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "net/http_client.h"

namespace taupage::fuzz {

namespace {

constexpr int kReadWaitMs = 2000;  // the client writes its whole request at once

std::mutex answers_mutex;
std::deque<std::string> answers;
std::string socket_dir;

std::string next_answer() {
  std::lock_guard<std::mutex> lock(answers_mutex);
  if (answers.empty()) return {};
  std::string answer = std::move(answers.front());
  answers.pop_front();
  return answer;
}

// Reads one request (head and Content-Length body) so that closing the socket afterwards never
// resets the connection under the client's feet; the bytes themselves are not needed.
void drain_request(int fd) {
  std::string data;
  size_t wanted = 0;
  char buffer[16384];
  while (true) {
    if (wanted == 0) {
      size_t end = data.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t body = 0;
        std::string head = data.substr(0, end);
        for (char& c : head) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
        size_t at = head.find("\ncontent-length:");
        if (at != std::string::npos) body = std::strtoull(head.c_str() + at + 16, nullptr, 10);
        wanted = end + 4 + body;
      }
    }
    if (wanted != 0 && data.size() >= wanted) return;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kReadWaitMs) <= 0) return;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return;
    data.append(buffer, static_cast<size_t>(n));
  }
}

void serve_forever(int listen_fd) {
  while (true) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    drain_request(fd);
    std::string answer = next_answer();
    size_t written = 0;
    while (written < answer.size()) {
      ssize_t w = ::send(fd, answer.data() + written, answer.size() - written, MSG_NOSIGNAL);
      if (w <= 0) break;
      written += static_cast<size_t>(w);
    }
    ::close(fd);
  }
}

}  // namespace

void remove_wire_socket() {
  if (socket_dir.empty()) return;
  ::unlink((socket_dir + "/s").c_str());
  ::rmdir(socket_dir.c_str());
}

WireHttpClient::WireHttpClient() {
  ::signal(SIGPIPE, SIG_IGN);
  char dir[] = "/tmp/taupage-fuzz-XXXXXX";
  if (!::mkdtemp(dir)) {
    std::perror("mkdtemp");
    std::abort();
  }
  socket_dir = dir;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s/s", dir);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0) {
    std::perror("wire server");
    std::abort();
  }
  std::atexit(remove_wire_socket);
  std::thread(serve_forever, fd).detach();
  auto endpoint = Endpoint::parse(std::string("unix://") + dir + "/s");
  if (!endpoint) std::abort();
  server_ = *endpoint;
}

WireHttpClient& WireHttpClient::instance() {
  static WireHttpClient* client = new WireHttpClient();  // never destroyed: the thread outlives main
  return *client;
}

void WireHttpClient::serve(const std::vector<std::string_view>& next) {
  {
    std::lock_guard<std::mutex> lock(answers_mutex);
    answers.clear();
    for (std::string_view answer : next) answers.emplace_back(answer);
  }
  real_ = std::make_unique<RealHttpClient>();
  requests_ = 0;
}

Result<HttpResponse> WireHttpClient::send(const Endpoint&, const HttpRequest& request) {
  ++requests_;
  return real_->send(server_, request);
}

}  // namespace taupage::fuzz
