// The system stage's log steps under a temporary root: applog (the rsyslog rule and logrotate
// policy of /var/log/application.log) and logagents (Scalyr's agent.json and Logentries' config,
// with IMDS and KMS answered by a scripted HTTP double). Files are read back field by field; no
// account key may reach the plan, the outcome or a log line.
#include <stdlib.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "aws/aws_session.h"
#include "config/config_reader.h"
#include "host/application_log.h"
#include "steps/step_applog.h"
#include "steps/step_log_agents.h"
#include "support/aws_fakes.h"
#include "util/base64.h"
#include "util/files.h"
#include "util/json.h"
#include "util/log.h"

namespace taupage {
namespace {

using testing::FakeHttpClient;
using testing::make_response;
using testing::ManualClock;

const std::string kHead =
    "#taupage-ami-config\napplication_id: shop\napplication_version: '2.1'\nruntime: Docker\n"
    "source: registry.example.org:5000/team/shop:2.1\n";

class LogSteps : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/log-steps-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    http_.handler = [this](const Endpoint& e, const HttpRequest& r) -> Result<HttpResponse> {
      std::string target;
      for (auto& h : r.headers)
        if (h.first == "X-Amz-Target") target = h.second;
      if (e.host == "169.254.169.254") {
        if (r.method == "PUT") return make_response(200, "token");
        if (r.target == "/latest/dynamic/instance-identity/document")
          return make_response(200, R"({"region":"eu-west-1","instanceId":"i-0abc","accountId":"123456789012"})");
        if (r.target == "/latest/meta-data/local-hostname" && with_hostname_)
          return make_response(200, "ip-10-0-0-12.eu-west-1.compute.internal");
        return make_response(404, "");
      }
      if (target == "TrentService.Decrypt") {
        ++kms_calls_;
        if (!kms_error_.empty()) return make_response(400, R"({"__type":")" + kms_error_ + R"(","message":"refused"})");
        std::string blob = r.body.substr(r.body.find(':') + 2);
        blob = blob.substr(0, blob.find('"'));
        return make_response(200, R"({"Plaintext":")" + base64_encode("plain-" + *base64_decode(blob)) + "\"}");
      }
      return make_response(500, "");
    };
    session_ = std::make_unique<AwsSession>(http_, clock_, fixed_environment({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "S"}}),
                                            [] { return 0.5; });
  }
  void TearDown() override {
    Log::clear_redactions();
    std::string command = "rm -rf '" + root_ + "'";
    ASSERT_EQ(::system(command.c_str()), 0);
  }
  Outcome run(Step& step, const std::string& extra) {
    auto read = read_config(kHead + extra);
    EXPECT_TRUE(read.config) << (read.diagnostics.empty() ? "" : read.diagnostics[0].render());
    config_ = *read.config;
    Context context(config_, clock_);
    context.settings.root = root_;
    context.services.aws = session_.get();
    return step.run(context);
  }
  std::string text(const std::string& path) {
    auto content = read_file(root_ + path);
    return content ? *content : "(missing)";
  }
  struct stat stat_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat((root_ + path).c_str(), &st), 0) << path;
    return st;
  }
  void rsyslog_installed(bool logrotate = true) {
    ASSERT_TRUE(make_dirs(root_ + "/etc"));
    ASSERT_TRUE(write_file_atomic(root_ + "/etc/rsyslog.conf", "# rsyslog\n"));
    if (logrotate) {
      ASSERT_TRUE(make_dirs(root_ + "/etc/logrotate.d"));
    }
  }

  std::string root_;
  Config config_;
  ManualClock clock_;
  FakeHttpClient http_;
  std::unique_ptr<AwsSession> session_;
  std::string kms_error_;
  int kms_calls_ = 0;
  bool with_hostname_ = true;
};

TEST_F(LogSteps, ApplogWithoutRsyslogWritesNothingAndSaysWhereTheLinesAre) {
  auto step = make_applog_step();
  Outcome outcome = run(*step, "");
  EXPECT_EQ(outcome.kind, OutcomeKind::Skipped);
  EXPECT_NE(outcome.detail.find("no rsyslog on this machine"), std::string::npos) << outcome.detail;
  EXPECT_NE(outcome.detail.find("journalctl -t docker/shop"), std::string::npos) << outcome.detail;
  EXPECT_FALSE(path_exists(root_ + "/etc"));
}

TEST_F(LogSteps, ApplogWritesTheRuleAndThePolicyOnceAndFollowsAChange) {
  rsyslog_installed();
  auto step = make_applog_step();
  Outcome first = run(*step, "");
  EXPECT_EQ(first.kind, OutcomeKind::Created) << first.detail;
  EXPECT_EQ(text(kApplicationRsyslogRulePath), render_application_rsyslog_rule("docker/shop"));
  EXPECT_EQ(text(kApplicationLogrotatePath), render_application_logrotate({"256M", "weekly", 4, true, true}));
  EXPECT_EQ(stat_of(kApplicationLogrotatePath).st_mode & 07777, 0644u);
  ino_t inode = stat_of(kApplicationRsyslogRulePath).st_ino;

  Outcome again = run(*step, "");
  EXPECT_EQ(again.kind, OutcomeKind::Kept) << again.detail;
  EXPECT_EQ(stat_of(kApplicationRsyslogRulePath).st_ino, inode);  // not rewritten

  Outcome changed = run(*step, "application_logrotate_size: 1G\napplication_logrotate_interval: daily\napplication_logrotate_rotate: 9\n");
  EXPECT_EQ(changed.kind, OutcomeKind::Changed) << changed.detail;
  EXPECT_NE(changed.detail.find("/etc/logrotate.d/taupage-application rewritten"), std::string::npos) << changed.detail;
  EXPECT_EQ(text(kApplicationLogrotatePath), render_application_logrotate({"1G", "daily", 9, true, true}));
  EXPECT_EQ(stat_of(kApplicationRsyslogRulePath).st_ino, inode);

  auto plan = step->describe(config_);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[1].text,
            "/var/log/application.log rotated daily or past 1G, 9 kept, compressed one rotation late "
            "(logrotate policy /etc/logrotate.d/taupage-application)");
  EXPECT_EQ(plan[1].source, "lines 6-8");
}

TEST_F(LogSteps, ApplogWithoutLogrotateStillRoutesTheLines) {
  rsyslog_installed(false);
  Outcome outcome = run(*make_applog_step(), "");
  EXPECT_EQ(outcome.kind, OutcomeKind::Created) << outcome.detail;
  EXPECT_NE(outcome.detail.find("no logrotate on this machine"), std::string::npos) << outcome.detail;
  EXPECT_FALSE(path_exists(root_ + kApplicationLogrotatePath));
}

TEST_F(LogSteps, LogAgentsWithoutKeysDoNothing) {
  Outcome outcome = run(*make_log_agents_step(), "scalyr_account_key: \"\"\nscalyr_region: eu\n");
  EXPECT_EQ(outcome.kind, OutcomeKind::Skipped) << outcome.detail;
  EXPECT_FALSE(path_exists(root_ + "/etc"));
  EXPECT_EQ(kms_calls_, 0);
}

TEST_F(LogSteps, ScalyrAgentJsonFieldByFieldWithTheDecryptedKey) {
  auto step = make_log_agents_step();
  const std::string extra =
      "scalyr_account_key: \"aws:kms:c2NhbHlyLWtleQ==\"\nscalyr_region: EU\nscalyr_application_log_parser: custom\n"
      "notify_cfn: {stack: shop-stack, resource: Group}\n";
  Outcome outcome = run(*step, extra);
  ASSERT_EQ(outcome.kind, OutcomeKind::Created) << outcome.detail;
  EXPECT_NE(outcome.detail.find("scalyr-agent-2 is not installed here"), std::string::npos) << outcome.detail;
  EXPECT_EQ(outcome.detail.find("plain-scalyr-key"), std::string::npos) << outcome.detail;

  struct stat st = stat_of("/etc/scalyr-agent-2/agent.json");
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, 0u);
  auto parsed = parse_json(text("/etc/scalyr-agent-2/agent.json"));
  ASSERT_TRUE(parsed) << parsed.error().message();
  const Json& j = *parsed;
  EXPECT_EQ(j.get_string("api_key"), "plain-scalyr-key");
  EXPECT_EQ(j.get_string("scalyr_server"), "https://upload.eu.scalyr.com");
  const Json& a = j.get("server_attributes");
  EXPECT_EQ(a.get_string("serverHost"), "shop");
  EXPECT_EQ(a.get_string("application_id"), "shop");
  EXPECT_EQ(a.get_string("application_version"), "2.1");
  EXPECT_EQ(a.get_string("stack"), "shop-stack");
  EXPECT_EQ(a.get_string("source"), "registry.example.org:5000/team/shop:2.1");
  EXPECT_EQ(a.get_string("image"), "registry.example.org:5000/team/shop");  // the port is no tag
  EXPECT_EQ(a.get_string("aws_region"), "eu-west-1");
  EXPECT_EQ(a.get_string("aws_account"), "123456789012");
  EXPECT_EQ(a.get_string("aws_ec2_hostname"), "ip-10-0-0-12.eu-west-1.compute.internal");
  EXPECT_EQ(a.get_string("aws_ec2_instance_id"), "i-0abc");
  EXPECT_EQ(a.size(), 10u);
  const Json& logs = j.get("logs");
  ASSERT_EQ(logs.size(), 4u);
  const char* paths[] = {"/var/log/syslog", "/var/log/auth.log", "/var/log/audit.log", "/var/log/application.log"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(logs[i].get_string("path"), paths[i]);
    EXPECT_EQ(logs[i].get("attributes").get_string("parser"), i == 3 ? "custom" : "systemLog");
    EXPECT_EQ(logs[i].has("redaction_rules"), i == 3);
  }
  EXPECT_EQ(Log::redact("x plain-scalyr-key y"), "x **** y");

  int calls = kms_calls_;
  Outcome again = run(*step, extra);
  EXPECT_EQ(again.kind, OutcomeKind::Kept) << again.detail;
  EXPECT_EQ(kms_calls_, calls + 1);  // decrypted again: the key may have been rotated

  ASSERT_EQ(::chmod((root_ + "/etc/scalyr-agent-2/agent.json").c_str(), 0644), 0);
  Outcome mode = run(*step, extra);
  EXPECT_EQ(mode.kind, OutcomeKind::Changed) << mode.detail;
  EXPECT_EQ(stat_of("/etc/scalyr-agent-2/agent.json").st_mode & 07777, 0600u);
}

TEST_F(LogSteps, ScalyrDefaultsToTheUsServerAndLeavesOutWhatIsUnknown) {
  with_hostname_ = false;
  ASSERT_TRUE(make_dirs(root_ + "/usr/sbin"));
  ASSERT_TRUE(write_file_atomic(root_ + "/usr/sbin/scalyr-agent-2", "", 0755));
  Outcome outcome = run(*make_log_agents_step(), "scalyr_account_key: plain-key-123\n");
  ASSERT_EQ(outcome.kind, OutcomeKind::Created) << outcome.detail;
  EXPECT_EQ(outcome.detail.find("not installed"), std::string::npos) << outcome.detail;
  EXPECT_EQ(kms_calls_, 0);
  auto parsed = parse_json(text("/etc/scalyr-agent-2/agent.json"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->get_string("api_key"), "plain-key-123");
  EXPECT_EQ(parsed->get_string("scalyr_server"), "https://upload.eu.scalyr.com");
  EXPECT_FALSE(parsed->get("server_attributes").has("stack"));
  EXPECT_FALSE(parsed->get("server_attributes").has("aws_ec2_hostname"));
  EXPECT_EQ(parsed->get("logs")[3].get("attributes").get_string("parser"), "slf4j");
}

TEST_F(LogSteps, LogentriesConfigWithTheFourLogs) {
  Outcome outcome = run(*make_log_agents_step(), "logentries_account_key: \"aws:kms:bGUta2V5\"\n");
  ASSERT_EQ(outcome.kind, OutcomeKind::Created) << outcome.detail;
  EXPECT_EQ(stat_of("/etc/le/config").st_mode & 07777, 0600u);
  std::string config = text("/etc/le/config");
  EXPECT_NE(config.find("[Main]\nuser-key = plain-le-key\npull-server-side-config = False\n"), std::string::npos) << config;
  for (const char* file : {"syslog", "auth.log", "audit.log", "application.log"}) {
    EXPECT_NE(config.find(std::string("\n[") + file + "]\npath = /var/log/" + file + "\ndestination = shop-2.1/" + file + "\n"),
              std::string::npos)
        << file << "\n"
        << config;
  }
  EXPECT_FALSE(path_exists(root_ + "/etc/scalyr-agent-2"));
}

TEST_F(LogSteps, AKmsRefusalNamesTheKeyAndLeavesTheFileAlone) {
  ASSERT_TRUE(make_dirs(root_ + "/etc/scalyr-agent-2"));
  ASSERT_TRUE(write_file_atomic(root_ + "/etc/scalyr-agent-2/agent.json", "{\"the\": \"image's own\"}\n", 0600));
  kms_error_ = "AccessDeniedException";
  Outcome outcome = run(*make_log_agents_step(), "\nscalyr_account_key: \"aws:kms:c2NhbHlyLWtleQ==\"\n");
  EXPECT_EQ(outcome.kind, OutcomeKind::Failed);
  EXPECT_NE(outcome.detail.find("Scalyr agent: scalyr_account_key (line 7)"), std::string::npos) << outcome.detail;
  EXPECT_NE(outcome.detail.find("AccessDeniedException"), std::string::npos) << outcome.detail;
  EXPECT_NE(outcome.detail.find("its configuration was not changed"), std::string::npos) << outcome.detail;
  EXPECT_EQ(text("/etc/scalyr-agent-2/agent.json"), "{\"the\": \"image's own\"}\n");
}

// The double answers "plain-" + the ciphertext: "a2V5Cg==" is "key\n", "YSBi" is "a b".
TEST_F(LogSteps, AKeyIsOneWordATrailingNewlineIsDroppedAndNothingElseIsQuoted) {
  Outcome newline = run(*make_log_agents_step(), "logentries_account_key: \"aws:kms:a2V5Cg==\"\n");
  ASSERT_EQ(newline.kind, OutcomeKind::Created) << newline.detail;
  EXPECT_NE(text("/etc/le/config").find("user-key = plain-key\npull-server-side-config"), std::string::npos) << text("/etc/le/config");
  Outcome space = run(*make_log_agents_step(), "logentries_account_key: \"aws:kms:YSBi\"\n");
  EXPECT_EQ(space.kind, OutcomeKind::Failed);
  EXPECT_EQ(space.detail,
            "Logentries agent: logentries_account_key (line 6): the decrypted value is not one word (an account key has no "
            "spaces or control characters); its configuration was not changed");
  EXPECT_NE(text("/etc/le/config").find("user-key = plain-key\n"), std::string::npos);
}

TEST_F(LogSteps, ThePlanNamesEveryActionAndNoKey) {
  auto read = read_config(kHead + "scalyr_account_key: plain-scalyr-secret\nlogentries_account_key: \"aws:kms:bGUta2V5\"\n");
  ASSERT_TRUE(read.config);
  auto plan = make_log_agents_step()->describe(*read.config);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].text.rfind("Scalyr agent: /etc/scalyr-agent-2/agent.json (root 0600) with scalyr_account_key **** (as written), "
                               "server https://upload.eu.scalyr.com (scalyr_region eu, the default)",
                               0),
            0u)
      << plan[0].text;
  EXPECT_EQ(plan[0].source, "line 6");
  EXPECT_EQ(plan[1].text,
            "Logentries agent: /etc/le/config (root 0600) with logentries_account_key **** (aws:kms:, decrypted with KMS "
            "at boot), following /var/log/syslog, /var/log/auth.log, /var/log/audit.log, /var/log/application.log, each "
            "to shop-2.1/<file>");
  for (const auto& action : plan) {
    EXPECT_EQ(action.text.find("plain-scalyr-secret"), std::string::npos);
    EXPECT_EQ(action.text.find("bGUta2V5"), std::string::npos);
  }
}

}  // namespace
}  // namespace taupage
