#include "docker/engine_client.h"

#include <gtest/gtest.h>

#include "docker/image_puller.h"
#include "net/http_client.h"
#include "support/manual_clock.h"
#include "support/scripted_http_client.h"
#include "support/scripted_server.h"

namespace taupage {
namespace {

using testing::ScriptedHttpClient;
using testing::ScriptedResponse;

ScriptedResponse ping(const std::string& version) {
  ScriptedResponse r = ScriptedHttpClient::json(200, "OK");
  if (!version.empty()) r.headers = {{"Api-Version", version}, {"Docker-Experimental", "false"}};
  return r;
}

struct EngineClientTest : ::testing::Test {
  ScriptedHttpClient http;
  ManualClock clock;
  EngineClient client{http, *docker_endpoint("unix:///tmp/dk-test.sock"), "unix:///tmp/dk-test.sock", clock};
};

TEST(DockerEndpoint, UnixTcpDefaultAndRefusals) {
  auto unix_socket = docker_endpoint("unix:///run/docker.sock");
  ASSERT_TRUE(unix_socket);
  EXPECT_EQ(unix_socket->scheme, "unix");
  EXPECT_EQ(unix_socket->socket_path, "/run/docker.sock");
  auto fallback = docker_endpoint("");
  ASSERT_TRUE(fallback);
  EXPECT_EQ(fallback->socket_path, "/var/run/docker.sock");
  auto tcp = docker_endpoint("tcp://127.0.0.1:2375");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->scheme, "http");
  EXPECT_EQ(tcp->host, "127.0.0.1");
  EXPECT_EQ(tcp->port, 2375);
  auto ssh = docker_endpoint("ssh://me@host");
  ASSERT_FALSE(ssh);
  EXPECT_NE(ssh.error().message().find("not supported"), std::string::npos);
  EXPECT_FALSE(docker_endpoint("unix://relative.sock"));
}

TEST(DockerEndpoint, ApiVersionsCompareNumerically) {
  EXPECT_LT(compare_api_versions("1.9", "1.41"), 0);
  EXPECT_GT(compare_api_versions("1.45", "1.41"), 0);
  EXPECT_EQ(compare_api_versions("1.41", "1.41"), 0);
}

TEST_F(EngineClientTest, NegotiatesTheDaemonsVersionAndPrefixesEveryPath) {
  http.responses = {ping("1.41"), ScriptedHttpClient::json(404, R"({"message":"No such image: x"})")};
  auto image = client.inspect_image("127.0.0.1:5000/dk/web:1.0");
  ASSERT_TRUE(image) << image.error().message();
  EXPECT_FALSE(image->has_value());
  ASSERT_EQ(http.requests.size(), 2u);
  EXPECT_EQ(http.requests[0].target, "/_ping");
  EXPECT_EQ(http.requests[1].target, "/v1.41/images/127.0.0.1:5000/dk/web:1.0/json");
  EXPECT_EQ(*client.api_version(), "1.41");
}

TEST_F(EngineClientTest, ANewerDaemonIsSpokenToInTheNewestVersionWeKnow) {
  http.responses = {ping("1.99")};
  EXPECT_EQ(*client.api_version(), std::string(kNewestApiVersion));
}

TEST_F(EngineClientTest, ADaemonWithoutApiVersionHeaderGetsTheOldestAndTooOldIsRefused) {
  http.responses = {ping("")};
  EXPECT_EQ(*client.api_version(), std::string(kOldestApiVersion));
  EngineClient old(http, *docker_endpoint(""), "unix:///var/run/docker.sock", clock);
  http.responses = {ping("1.12")};
  auto v = old.api_version();
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message().find("speaks Engine API 1.12"), std::string::npos) << v.error().message();
}

TEST_F(EngineClientTest, ADaemonThatIsDownIsRetriedUntilTheDeadlineThenNamed) {
  http.answer = [](const HttpRequest&) { return ScriptedHttpClient::failure("connect unix:///tmp/dk-test.sock: Connection refused"); };
  auto v = client.api_version();
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message().find("the Docker daemon at unix:///tmp/dk-test.sock does not answer"), std::string::npos)
      << v.error().message();
  EXPECT_NE(v.error().message().find("Connection refused"), std::string::npos);
  EXPECT_GE(clock.monotonic_ms(), 9000);
  EXPECT_LE(clock.monotonic_ms(), 10000);
  EXPECT_GE(http.requests.size(), 10u);
}

TEST_F(EngineClientTest, ErrorsCarryDockersMessage) {
  http.responses = {ping("1.41"), ScriptedHttpClient::json(500, R"({"message":"driver failed programming external connectivity"})")};
  Status started = client.start_container("abc");
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message(), "POST /containers/abc/start: HTTP 500: driver failed programming external connectivity");
}

TEST_F(EngineClientTest, PullReadsTheWholeStreamAcrossChunkBoundaries) {
  ScriptedResponse stream;
  stream.chunks = {"{\"status\":\"Pulling from dk/web\",\"id\":\"1.0\"}\r\n{\"status\":\"Pulling fs",
                   " layer\",\"progressDetail\":{},\"id\":\"6e3d03502b76\"}\r\n",
                   "{\"status\":\"Digest: sha256:42\"}\r\n{\"status\":\"Status: Downloaded newer image for x\"}"};
  http.responses = {ping("1.41"), stream};
  ImageReference ref{"127.0.0.1:5000", "dk/web", "1.0", ""};
  std::vector<std::string> statuses;
  Status pulled = client.pull_image(ref, Secret("QVVUSA=="), [&](const Json& m) { statuses.push_back(m.get_string("status")); });
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(statuses, (std::vector<std::string>{"Pulling from dk/web", "Pulling fs layer", "Digest: sha256:42",
                                                "Status: Downloaded newer image for x"}));
  const HttpRequest& sent = http.requests[1];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.target, "/v1.41/images/create?fromImage=127.0.0.1%3A5000%2Fdk%2Fweb&tag=1.0");
  ASSERT_EQ(sent.headers.size(), 1u);
  EXPECT_EQ(sent.headers[0].first, "X-Registry-Auth");
}

TEST_F(EngineClientTest, PullByDigestAndNeverWithoutATag) {
  http.responses = {ping("1.41"), ScriptedHttpClient::json(200, "{\"status\":\"ok\"}\r\n")};
  ImageReference pinned{"reg.example.org", "team/app", "1.0", "sha256:" + std::string(64, 'b')};
  ASSERT_TRUE(client.pull_image(pinned, Secret(), nullptr));
  EXPECT_NE(http.requests[1].target.find("&tag=sha256%3Abbbb"), std::string::npos) << http.requests[1].target;
  EXPECT_TRUE(http.requests[1].headers.empty());
  ImageReference bare{"reg.example.org", "team/app", "", ""};
  EXPECT_FALSE(client.pull_image(bare, Secret(), nullptr));
}

TEST_F(EngineClientTest, AnErrorInsideA200StreamIsAFailure) {
  ScriptedResponse stream;
  stream.chunks = {"{\"status\":\"Pulling fs layer\",\"id\":\"6e3d03502b76\"}\r\n",
                   "{\"errorDetail\":{\"message\":\"unexpected EOF\"},\"error\":\"unexpected EOF\"}\r\n"};
  http.responses = {ping("1.41"), stream};
  Status pulled = client.pull_image(ImageReference{"r", "a", "1", ""}, Secret(), nullptr);
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().message(), "pull r/a:1: unexpected EOF");
}

TEST_F(EngineClientTest, APullStreamIsReadNoFurtherThanItsError) {
  ScriptedResponse stream;
  stream.chunks = {"{\"status\":\"Pulling fs layer\",\"id\":\"6e3d03502b76\"}\r\n",
                   "{\"errorDetail\":{\"message\":\"unexpected EOF\"},\"error\":\"unexpected EOF\"}\r\n",
                   "{\"status\":\"Downloading\",\"id\":\"6e3d03502b76\"}\r\n", "{\"status\":\"Downloading\"}\r\n"};
  http.responses = {ping("1.41"), stream};
  int messages = 0;
  Status pulled = client.pull_image(ImageReference{"r", "a", "1", ""}, Secret(), [&](const Json&) { ++messages; });
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().message(), "pull r/a:1: unexpected EOF");
  EXPECT_EQ(messages, 2);
}

TEST_F(EngineClientTest, APullLineOverOneMebibyteIsNamedAsSuch) {
  ScriptedResponse stream;
  stream.chunks = {"{\"status\":\"Pulling fs layer\",\"id\":\"6e3d03502b76\"}\r\n{\"status\":\"", std::string(600 * 1024, 'x'),
                   std::string(600 * 1024, 'x')};
  http.responses = {ping("1.41"), stream};
  Status pulled = client.pull_image(ImageReference{"r", "a", "1", ""}, Secret(), nullptr);
  ASSERT_FALSE(pulled);
  const std::string& m = pulled.error().message();
  EXPECT_NE(m.find("longer than 1 MiB"), std::string::npos) << m;
  EXPECT_EQ(m.find("aborted"), std::string::npos) << m;
  EXPECT_EQ(m.find("does not answer"), std::string::npos) << m;
}

TEST_F(EngineClientTest, APullLineThatIsNotJsonEndsThePull) {
  ScriptedResponse stream;
  stream.chunks = {"<html>proxy error</html>\r\n", "{\"status\":\"Digest: sha256:42\"}\r\n"};
  http.responses = {ping("1.41"), stream};
  int messages = 0;
  Status pulled = client.pull_image(ImageReference{"r", "a", "1", ""}, Secret(), [&](const Json&) { ++messages; });
  ASSERT_FALSE(pulled);
  EXPECT_NE(pulled.error().message().find("not JSON: <html>proxy error</html>"), std::string::npos) << pulled.error().message();
  EXPECT_EQ(messages, 0);
}

// Against a real socket: a daemon whose answer breaks HTTP is named as that, not as a daemon that
// is down; a pull stream that reports its error and then stays open ends at the error.
struct DaemonOnSocket {
  std::string pull_reply;
  std::unique_ptr<testing::ScriptedServer> server = testing::ScriptedServer::unix_socket([this](const std::string& request) {
    if (request.rfind("GET /_ping", 0) == 0)
      return testing::ScriptedReply{"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK"};
    return testing::ScriptedReply{pull_reply};
  });
  RealHttpClient http;
  ManualClock clock;
  EngineClient client() {
    EngineTimeouts timeouts;
    timeouts.pull_ms = 3000;
    return EngineClient(http, *docker_endpoint("unix://" + server->socket_path()), "unix://" + server->socket_path(), clock, timeouts);
  }
};

TEST(EngineClientOnSocket, ProtocolErrorsAreNamedAsSuch) {
  struct Case {
    std::string reply;
    std::string expected;
  };
  for (const Case& c :
       std::vector<Case>{{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "malformed chunk size"},
                         {"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}", "Content-Length"},
                         {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", "Content-Length"},
                         {"SMTP ready\r\n\r\n", "status line"}}) {
    DaemonOnSocket daemon;
    daemon.pull_reply = c.reply;
    EngineClient client = daemon.client();
    Status pulled = client.pull_image(ImageReference{"r", "a", "1", ""}, Secret(), nullptr);
    ASSERT_FALSE(pulled) << c.reply;
    const std::string& m = pulled.error().message();
    EXPECT_NE(m.find(c.expected), std::string::npos) << m;
    EXPECT_NE(m.find("not valid HTTP"), std::string::npos) << m;
    EXPECT_EQ(m.find("does not answer"), std::string::npos) << m;
    EXPECT_EQ(m.find("is dockerd running"), std::string::npos) << m;
    // Nor is it a registry problem: the pull is not tried again.
    auto ready = ensure_image(
        client, ImageReference{"r", "a", "1", ""}, Secret(), daemon.clock, PullPolicy{}, [](const std::string&) {},
        [](const std::string&) {});
    ASSERT_FALSE(ready);
    int pulls = 0;
    for (const auto& request : daemon.server->requests()) pulls += request.rfind("POST /v1.41/images/create", 0) == 0;
    EXPECT_EQ(pulls, 2) << "one by pull_image, one by ensure_image";
  }
}

TEST(EngineClientOnSocket, APullStreamThatStaysOpenAfterItsErrorEndsAtTheError) {
  DaemonOnSocket daemon;
  daemon.pull_reply =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
      "49\r\n{\"errorDetail\":{\"message\":\"toomanyrequests\"},\"error\":\"toomanyrequests\"}\r\n\r\n";
  EngineClient client = daemon.client();
  Status pulled = client.pull_image(ImageReference{"r", "a", "1", ""}, Secret(), nullptr);
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().message(), "pull r/a:1: toomanyrequests");
}

TEST_F(EngineClientTest, AnErrorBeforeTheStreamCarriesTheStatusAndMessage) {
  http.responses = {ping("1.41"), ScriptedHttpClient::json(404, R"({"message":"manifest for r/a:9 not found: manifest unknown"})")};
  Status pulled = client.pull_image(ImageReference{"r", "a", "9", ""}, Secret(), nullptr);
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().message(), "pull r/a:9: POST /images/create: HTTP 404: manifest for r/a:9 not found: manifest unknown");
}

TEST_F(EngineClientTest, InspectContainerReadsStateLabelsAndRestarts) {
  http.responses = {ping("1.41"), ScriptedHttpClient::json(200, R"({"Id":"c0ffee","Image":"sha256:11","RestartCount":2,
      "State":{"Status":"restarting","Running":false,"ExitCode":3,"OOMKilled":false,"Error":""},
      "Config":{"Labels":{"taupage.fingerprint":"v1:x"}}})")};
  auto c = client.inspect_container("taupageapp");
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->id, "c0ffee");
  EXPECT_EQ((*c)->image_id, "sha256:11");
  EXPECT_EQ((*c)->status, "restarting");
  EXPECT_EQ((*c)->exit_code, 3);
  EXPECT_EQ((*c)->restart_count, 2);
  EXPECT_EQ((*c)->labels.at("taupage.fingerprint"), "v1:x");
}

TEST_F(EngineClientTest, CreateSendsTheBodyAndItsErrorsNeverRepeatIt) {
  http.responses = {ping("1.41"), ScriptedHttpClient::json(201, R"({"Id":"abc123","Warnings":["Published ports are discarded"]})"),
                    ScriptedHttpClient::json(409, R"({"message":"Conflict. The container name \"/taupageapp\" is already in use"})")};
  std::vector<std::string> warnings;
  auto id = client.create_container("taupageapp", Secret(R"({"Env":["PASSWORD=hunter2"]})"), &warnings);
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, "abc123");
  EXPECT_EQ(warnings, std::vector<std::string>{"Published ports are discarded"});
  EXPECT_EQ(http.requests[1].target, "/v1.41/containers/create?name=taupageapp");
  EXPECT_EQ(http.requests[1].body, R"({"Env":["PASSWORD=hunter2"]})");
  auto again = client.create_container("taupageapp", Secret(R"({"Env":["PASSWORD=hunter2"]})"), nullptr);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message().find("hunter2"), std::string::npos);
  EXPECT_NE(again.error().message().find("HTTP 409: Conflict"), std::string::npos) << again.error().message();
}

TEST_F(EngineClientTest, StartStopRemoveAcceptTheirNoOpAnswers) {
  http.responses = {ping("1.41"), ScriptedHttpClient::json(304, ""), ScriptedHttpClient::json(304, ""),
                    ScriptedHttpClient::json(404, R"({"message":"No such container"})")};
  EXPECT_TRUE(client.start_container("a"));
  EXPECT_TRUE(client.stop_container("a", 10));
  EXPECT_TRUE(client.remove_container("a"));
  EXPECT_EQ(http.requests[2].target, "/v1.41/containers/a/stop?t=10");
  EXPECT_EQ(http.requests[3].method, "DELETE");
  EXPECT_EQ(http.requests[3].target, "/v1.41/containers/a?force=1&v=0");
}

TEST_F(EngineClientTest, LogsAreDemultiplexed) {
  std::string body;
  auto frame = [&](char stream, const std::string& text) {
    body += std::string{stream, 0, 0, 0, 0, 0, 0, static_cast<char>(text.size())} + text;
  };
  frame(1, "starting\n");
  frame(2, "fatal: no config\n");
  http.responses = {ping("1.41"), ScriptedHttpClient::json(200, body)};
  auto lines = client.container_logs("a", 10);
  ASSERT_TRUE(lines);
  EXPECT_EQ(*lines, (std::vector<std::string>{"starting", "fatal: no config"}));
  EXPECT_EQ(decode_log_stream("tty line 1\r\ntty line 2\n"), (std::vector<std::string>{"tty line 1", "tty line 2"}));
}

}  // namespace
}  // namespace taupage
