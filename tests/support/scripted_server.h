/// A tiny HTTP server for the net tests, on a loopback TCP port or a unix socket in a temp dir:
/// a thread that reads each request and answers with whatever bytes the test scripts, including
/// malformed, truncated or no answer at all, so the client's error paths are exercised for real.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace taupage::testing {

struct ScriptedReply {
  std::string bytes;   // written as they are
  bool close = false;  // close the connection after writing
  bool hang = false;   // write nothing and keep the connection open
};

class ScriptedServer {
 public:
  using Handler = std::function<ScriptedReply(const std::string& request)>;
  // On 127.0.0.1 (or ::1) at a free port.
  static std::unique_ptr<ScriptedServer> tcp(Handler handler, bool ipv6 = false);
  // On a unix socket in a fresh temp dir named net-*.
  static std::unique_ptr<ScriptedServer> unix_socket(Handler handler);
  ~ScriptedServer();

  uint16_t port() const { return port_; }
  const std::string& socket_path() const { return socket_path_; }
  int connections() const { return connections_.load(); }
  std::vector<std::string> requests();

 private:
  ScriptedServer() = default;
  void start(int listen_fd);
  void run();

  Handler handler_;
  int listen_fd_ = -1;
  int wake_fd_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::string socket_path_;
  std::string temp_dir_;
  std::thread thread_;
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

// A loopback TCP port with nothing listening on it (bound, then closed).
uint16_t unused_tcp_port();

}  // namespace taupage::testing
