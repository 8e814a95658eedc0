// Real TLS: certificates made at test time with the openssl tool (RSA 2048, ECDSA P-256 and
// P-384, like AWS's chains), served on loopback by `openssl s_server` and Python's ssl module,
// fetched through RealHttpClient. Every refusal the client promises is shown against a server.
#include "net/tls.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "aws/aws_service.h"
#include "net/http_client.h"
#include "net/socket.h"
#include "support/aws_fakes.h"
#include "support/scripted_server.h"
#include "util/files.h"
#include "util/strings.h"

extern char** environ;

namespace taupage {
namespace {

// A server process of ours, killed (by its pid) when the test is done with it.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> argv, uint16_t port) : port_(port) {
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Waits until the server accepts connections (at most 10 s).
  bool ready() {
    for (int i = 0; i < 200 && pid_ > 0; ++i) {
      if (Socket::connect_tcp(*IpAddress::parse("127.0.0.1"), port_, Deadline::after_ms(200))) return true;
      ::usleep(50 * 1000);
    }
    return false;
  }
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  uint16_t port_;
};

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/net-tls-XXXXXX";
    dir_ = ::mkdtemp(dir);
    // Three CAs and their server certificates for net-test.example and 127.0.0.1, one expired.
    std::string script = strfmt(R"(set -e
cd %s
printf 'subjectAltName=DNS:net-test.example,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext
ca() { openssl req -x509 -newkey "$2" $3 -nodes -keyout $1-ca.key -out $1-ca.crt -days 2 -subj "/CN=net-test $1 CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign; }
leaf() { openssl req -newkey "$2" $3 -nodes -keyout $1.key -out $1.csr -subj /CN=net-test.example
  openssl x509 -req -in $1.csr -CA $4-ca.crt -CAkey $4-ca.key -CAcreateserial -days $5 -extfile ext -out $1.crt; }
ca rsa rsa:2048 ""
ca p256 ec "-pkeyopt ec_paramgen_curve:P-256"
ca p384 ec "-pkeyopt ec_paramgen_curve:P-384"
leaf rsa rsa:2048 "" rsa 2
leaf p256 ec "-pkeyopt ec_paramgen_curve:P-256" p256 2
leaf p384 ec "-pkeyopt ec_paramgen_curve:P-384" p384 2
openssl x509 -req -in p256.csr -CA p256-ca.crt -CAkey p256-ca.key -CAcreateserial -days -1 -extfile ext -out expired.crt
)",
                                dir_.c_str());
    ASSERT_TRUE(write_file_atomic(dir_ + "/make.sh", script));
    ASSERT_EQ(std::system(("bash " + dir_ + "/make.sh > " + dir_ + "/make.log 2>&1").c_str()), 0)
        << "making test certificates failed; see " << dir_ << "/make.log";
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) (void)std::system(("rm -rf " + dir_).c_str());
  }

  static std::unique_ptr<ServerProcess> s_server(const std::string& leaf, std::vector<std::string> extra = {},
                                                 const std::string& cert = "") {
    uint16_t port = testing::unused_tcp_port();
    std::vector<std::string> argv = {"openssl", "s_server",
                                     "-quiet",  "-www",
                                     "-accept", strfmt("127.0.0.1:%u", port),
                                     "-cert",   dir_ + "/" + (cert.empty() ? leaf : cert) + ".crt",
                                     "-key",    dir_ + "/" + leaf + ".key"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto server = std::make_unique<ServerProcess>(argv, port);
    EXPECT_TRUE(server->ready()) << "openssl s_server did not start";
    return server;
  }

  static Result<HttpResponse> fetch(uint16_t port, const std::string& ca, const std::string& tls_name = "net-test.example",
                                    const std::string& root = "/") {
    HttpClientOptions options;
    options.ca_bundle = ca.empty() ? "" : dir_ + "/" + ca + "-ca.crt";
    options.root = root;
    RealHttpClient client(options);
    Endpoint endpoint = *Endpoint::parse(strfmt("https://127.0.0.1:%u", port));
    endpoint.tls_name = tls_name;
    HttpRequest request;
    request.timeout_ms = 5000;
    return client.send(endpoint, request);
  }

  static std::string dir_;
};
std::string Tls::dir_;

TEST_F(Tls, GetOverRsa2048Chain) {
  auto server = s_server("rsa");
  auto response = fetch(server->port(), "rsa");
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_NE(response->body.find("TLSv1.3"), std::string::npos);
}

TEST_F(Tls, GetOverEcdsaP256Chain) {
  auto server = s_server("p256");
  auto response = fetch(server->port(), "p256");
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
}

TEST_F(Tls, GetOverEcdsaP384ChainWithTls12) {
  auto server = s_server("p384", {"-tls1_2"});
  auto response = fetch(server->port(), "p384");
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_NE(response->body.find("TLSv1.2"), std::string::npos);
}

TEST_F(Tls, IpLiteralIsVerifiedAgainstTheCertificatesIpAddress) {
  auto server = s_server("rsa");
  auto response = fetch(server->port(), "rsa", "");
  ASSERT_TRUE(response) << response.error().message();
}

TEST_F(Tls, RefusesWrongHostname) {
  auto server = s_server("rsa");
  auto response = fetch(server->port(), "rsa", "kms.eu-central-1.amazonaws.com");
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("server name mismatch"), std::string::npos) << response.error().message();
}

TEST_F(Tls, RefusesUnknownCa) {
  auto server = s_server("rsa");
  auto response = fetch(server->port(), "p256");
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("unknown CA"), std::string::npos) << response.error().message();
}

TEST_F(Tls, RefusesExpiredCertificate) {
  auto server = s_server("p256", {}, "expired");
  auto response = fetch(server->port(), "p256");
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("certificate expired"), std::string::npos) << response.error().message();
}

TEST_F(Tls, RefusesTls11) {
  // Debian's OpenSSL offers TLS 1.1 only at security level 0.
  auto server = s_server("rsa", {"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"});
  auto response = fetch(server->port(), "rsa");
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("protocol version refused"), std::string::npos) << response.error().message();
}

TEST_F(Tls, HandshakeTimesOutWhenTheServerSaysNothing) {
  auto server = testing::ScriptedServer::tcp([](const std::string&) { return testing::ScriptedReply{"", false, true}; });
  HttpClientOptions options;
  options.ca_bundle = dir_ + "/rsa-ca.crt";
  RealHttpClient client(options);
  HttpRequest request;
  request.timeout_ms = 300;
  auto response = client.send(*Endpoint::parse(strfmt("https://127.0.0.1:%u", server->port())), request);
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("timed out in the TLS handshake"), std::string::npos) << response.error().message();
}

TEST_F(Tls, CaBundleFromEnvironmentAndUnderRoot) {
  auto server = s_server("p256");
  ::setenv("AWS_CA_BUNDLE", (dir_ + "/p256-ca.crt").c_str(), 1);
  auto from_env = fetch(server->port(), "");
  ::unsetenv("AWS_CA_BUNDLE");
  ASSERT_TRUE(from_env) << from_env.error().message();
  // A bundle path that exists only under --root (the initramfs case).
  ASSERT_TRUE(make_dirs(dir_ + "/root/etc/taupage"));
  auto pem = read_file(dir_ + "/p256-ca.crt");
  ASSERT_TRUE(pem);
  ASSERT_TRUE(write_file_atomic(dir_ + "/root/etc/taupage/net-test-ca.pem", *pem));
  auto created = TlsConfig::create("/etc/taupage/net-test-ca.pem", dir_ + "/root");
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ((*created)->ca_bundle_path(), dir_ + "/root/etc/taupage/net-test-ca.pem");
  auto missing = TlsConfig::create("/nonexistent/net-test.pem", dir_);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("no CA bundle found"), std::string::npos);
}

// What AWS calls make of a refusal: a certificate that does not verify, or a CA bundle that
// cannot be read, does not get better by asking again, so there is one attempt and no pause.
TEST_F(Tls, AwsCallsDoNotRetryWhatRetryingCannotCure) {
  auto server = s_server("rsa");
  struct Case {
    std::string ca_bundle;
    std::string expected;
  };
  ASSERT_TRUE(make_dirs(dir_ + "/bundle-folder"));
  std::vector<Case> cases = {
      {dir_ + "/p256-ca.crt", "unknown CA"}, {dir_ + "/missing-ca.crt", "no CA bundle found"}, {dir_ + "/bundle-folder", "is a folder"}};
  for (const Case& c : cases) {
    HttpClientOptions options;
    options.ca_bundle = c.ca_bundle;
    RealHttpClient http(options);
    testing::ManualClock clock;
    Credentials credentials;
    credentials.access_key_id = "AKIDTEST";
    credentials.secret_access_key = Secret("secret");
    StaticCredentials provider(credentials);
    AwsDeps deps(http, provider, clock, fixed_environment({{"AWS_ENDPOINT_URL_KMS", strfmt("https://127.0.0.1:%u", server->port())}}),
                 [] { return 0.5; });
    AwsService kms(deps, "kms", "eu-central-1");
    HttpRequest request;
    request.method = "POST";
    request.body = "{}";
    auto response = kms.call("Decrypt", request, AwsProtocol::Json);
    ASSERT_FALSE(response) << c.ca_bundle;
    const std::string& m = response.error().message();
    EXPECT_NE(m.find(c.expected), std::string::npos) << m;
    EXPECT_EQ(m.find("after 3 attempts"), std::string::npos) << m;
    EXPECT_TRUE(clock.sleeps.empty()) << m;
  }
}

TEST_F(Tls, ACaBundleThatIsAFolderOrNoPemIsNamedAsSuch) {
  ASSERT_TRUE(make_dirs(dir_ + "/a-folder"));
  auto folder = TlsConfig::create(dir_ + "/a-folder", "/");
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message().find("is a folder, not a PEM file"), std::string::npos) << folder.error().message();
  EXPECT_EQ(folder.error().message().find("Memory allocation"), std::string::npos) << folder.error().message();
  ASSERT_TRUE(write_file_atomic(dir_ + "/not-pem.crt", "hello\n"));
  auto garbage = TlsConfig::create(dir_ + "/not-pem.crt", "/");
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message().find(dir_ + "/not-pem.crt"), std::string::npos) << garbage.error().message();
  ::setenv("AWS_CA_BUNDLE", (dir_ + "/a-folder").c_str(), 1);
  auto from_env = TlsConfig::create("", "/");
  ::unsetenv("AWS_CA_BUNDLE");
  ASSERT_FALSE(from_env);
  EXPECT_NE(from_env.error().message().find("AWS_CA_BUNDLE"), std::string::npos) << from_env.error().message();
  EXPECT_NE(from_env.error().message().find("is a folder"), std::string::npos) << from_env.error().message();
}

TEST_F(Tls, ConnectionsAreReusedOverTls13) {
  // Python's ssl server speaks HTTP/1.1 with keep-alive and sends TLS 1.3 session tickets after
  // the handshake, which the idle check must tell apart from a closed connection.
  uint16_t port = testing::unused_tcp_port();
  std::string program = strfmt(R"(
import http.server, ssl
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = str(self.client_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", %u), H)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("%s/p384.crt", "%s/p384.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
)",
                               port, dir_.c_str(), dir_.c_str());
  ServerProcess server({"python3", "-c", program}, port);
  ASSERT_TRUE(server.ready());
  HttpClientOptions options;
  options.ca_bundle = dir_ + "/p384-ca.crt";
  RealHttpClient client(options);
  Endpoint endpoint = *Endpoint::parse(strfmt("https://127.0.0.1:%u", port));
  endpoint.tls_name = "net-test.example";
  HttpRequest request;
  auto first = client.send(endpoint, request);
  ASSERT_TRUE(first) << first.error().message();
  ::usleep(100 * 1000);  // let the session tickets arrive while the connection is idle
  auto second = client.send(endpoint, request);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(first->body, second->body) << "the second request came from another client port";
}

TEST_F(Tls, AKeptConnectionTheServerClosedWhileIdleIsNotReused) {
  // The server drops a kept connection after 100 ms of silence (close_notify, then FIN), as S3
  // and the other AWS front ends do after theirs; the next request finds it closed before sending
  // and goes over a new connection instead of waiting on a dead one.
  uint16_t port = testing::unused_tcp_port();
  std::string program = strfmt(R"(
import http.server, ssl
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 0.1
    def do_GET(self):
        body = str(self.client_address[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class S(http.server.ThreadingHTTPServer):
    daemon_threads = True
    def shutdown_request(self, request):
        try:
            request.unwrap()
        except OSError:
            pass
        super().shutdown_request(request)
server = S(("127.0.0.1", %u), H)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("%s/p256.crt", "%s/p256.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
)",
                               port, dir_.c_str(), dir_.c_str());
  ServerProcess server({"python3", "-c", program}, port);
  ASSERT_TRUE(server.ready());
  HttpClientOptions options;
  options.ca_bundle = dir_ + "/p256-ca.crt";
  RealHttpClient client(options);
  Endpoint endpoint = *Endpoint::parse(strfmt("https://127.0.0.1:%u", port));
  endpoint.tls_name = "net-test.example";
  HttpRequest request;
  request.timeout_ms = 5000;
  auto first = client.send(endpoint, request);
  ASSERT_TRUE(first) << first.error().message();
  ::usleep(600 * 1000);  // well past the server's idle limit
  auto second = client.send(endpoint, request);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_NE(first->body, second->body) << "the second request went over the connection the server had closed";
}

}  // namespace
}  // namespace taupage
