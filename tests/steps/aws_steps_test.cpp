// The secrets and notify steps and the FAILURE path, with an AWS session over a scripted HTTP
// double (IMDS, KMS and CloudFormation answered by one handler) and a manual clock.
#include <gtest/gtest.h>

#include <filesystem>

#include "aws/aws_session.h"
#include "config/config_reader.h"
#include "steps/cfn_signal.h"
#include "steps/step_notify.h"
#include "steps/step_secrets.h"
#include "support/aws_fakes.h"
#include "util/base64.h"
#include "util/log.h"

namespace taupage {
namespace {

using testing::FakeHttpClient;
using testing::make_response;
using testing::ManualClock;

const char* kConfig = R"(#taupage-ami-config
application_id: app
application_version: "1"
runtime: Docker
source: registry.example.org/team/app:1
environment:
  A_SECRET: "aws:kms:Y2lwaGVyLWE="
  B_SECRET: "aws:kms:Y2lwaGVyLWI="
  PLAIN: hello
notify_cfn:
  stack: st
  resource: Res
)";

struct World {
  FakeHttpClient http;
  ManualClock clock;
  int kms_throttles = 0;
  int cfn_throttles = 0;
  std::string kms_error;  // a KMS error code to answer with
  std::string cfn_error;  // a CloudFormation error code to answer with
  std::vector<std::string> signals;
  std::unique_ptr<AwsSession> session;
  std::string state_dir;

  World() {
    state_dir = std::filesystem::temp_directory_path() / ("aws-steps-" + std::to_string(getpid()));
    std::filesystem::remove_all(state_dir);
    http.handler = [this](const Endpoint& e, const HttpRequest& r) -> Result<HttpResponse> {
      std::string target;
      for (auto& h : r.headers)
        if (h.first == "X-Amz-Target") target = h.second;
      if (e.host == "169.254.169.254") {
        if (r.method == "PUT") return make_response(200, "token");
        if (r.target == "/latest/dynamic/instance-identity/document")
          return make_response(200, R"({"region":"eu-west-1","instanceId":"i-9"})");
        if (r.target == "/latest/dynamic/instance-identity/signature") return make_response(200, "sig\nnature");
        return make_response(404, "");
      }
      if (target == "TrentService.Decrypt") {
        if (kms_throttles > 0) {
          --kms_throttles;
          return make_response(400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})");
        }
        if (!kms_error.empty()) return make_response(400, R"({"__type":")" + kms_error + R"(","message":"refused"})");
        std::string blob = r.body.substr(r.body.find(':') + 2);
        blob = blob.substr(0, blob.find('"'));
        return make_response(200, R"({"Plaintext":")" + base64_encode("plain-of-" + *base64_decode(blob)) + "\"}");
      }
      if (e.host.rfind("cloudformation.", 0) == 0) {
        if (cfn_throttles > 0) {
          --cfn_throttles;
          return make_response(400,
                               "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>");
        }
        if (!cfn_error.empty())
          return make_response(400, "<ErrorResponse><Error><Code>" + cfn_error + "</Code><Message>m</Message></Error></ErrorResponse>");
        signals.push_back(r.target);
        return make_response(200, "<SignalResourceResponse/>");
      }
      return make_response(500, "");
    };
    session = std::make_unique<AwsSession>(http, clock, fixed_environment({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "S"}}),
                                           [] { return 0.5; });
  }
  ~World() { std::filesystem::remove_all(state_dir); }
};

Config config_of(const char* text) {
  ConfigRead read = read_config(text);
  EXPECT_TRUE(read.config.has_value());
  return *read.config;
}

TEST(SecretsStep, DecryptsEveryValueIntoContextAndMasksThePlan) {
  World w;
  Config config = config_of(kConfig);
  Context context(config, w.clock);
  context.services.aws = w.session.get();
  SecretsStep step;
  auto plan = step.describe(config);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].text, "A_SECRET = aws:kms:**** (decrypted with KMS in the instance's region)");
  Outcome outcome = step.run(context);
  EXPECT_EQ(outcome.kind, OutcomeKind::Created) << outcome.detail;
  EXPECT_EQ(outcome.detail, "2 values decrypted in eu-west-1: A_SECRET, B_SECRET");
  EXPECT_EQ(context.secrets.at("A_SECRET").reveal(), "plain-of-cipher-a");
  EXPECT_EQ(context.secrets.at("B_SECRET").reveal(), "plain-of-cipher-b");
  EXPECT_EQ(Log::redact("x plain-of-cipher-a y"), "x **** y");
  Log::clear_redactions();
}

// The stand-in answers "plain-of-" + the ciphertext: "YQBi" is "a\0b", so the plaintext holds a NUL.
TEST(SecretsStep, APlaintextWithANulByteIsRefusedNamingTheVariable) {
  World w;
  std::string text = kConfig;
  text.replace(text.find("Y2lwaGVyLWI="), 12, "YQBi");
  Config config = config_of(text.c_str());
  Context context(config, w.clock);
  context.services.aws = w.session.get();
  Outcome outcome = SecretsStep().run(context);
  EXPECT_EQ(outcome.kind, OutcomeKind::Failed);
  EXPECT_NE(outcome.detail.find("B_SECRET (line 8): the decrypted value contains a NUL byte"), std::string::npos) << outcome.detail;
  EXPECT_EQ(context.secrets.count("B_SECRET"), 0u);
  EXPECT_EQ(outcome.detail.find("plain-of-a"), std::string::npos);
  Log::clear_redactions();
}

TEST(SecretsStep, KeepsRetryingThrottlingUntilItsDeadline) {
  World w;
  w.kms_throttles = 7;  // more than one call's three attempts
  Config config = config_of(kConfig);
  Context context(config, w.clock);
  context.services.aws = w.session.get();
  Outcome outcome = SecretsStep().run(context);
  EXPECT_EQ(outcome.kind, OutcomeKind::Created) << outcome.detail;
  Log::clear_redactions();

  World endless;
  endless.kms_throttles = 1000000;
  Context context2(config, endless.clock);
  context2.services.aws = endless.session.get();
  Outcome gave_up = SecretsStep().run(context2);
  EXPECT_EQ(gave_up.kind, OutcomeKind::Failed);
  EXPECT_NE(gave_up.detail.find("A_SECRET (line 7): Decrypt: ThrottlingException"), std::string::npos) << gave_up.detail;
  EXPECT_GE(endless.clock.monotonic_ms(), SecretsStep::kThrottleDeadlineMs);
  EXPECT_LT(endless.clock.monotonic_ms(), SecretsStep::kThrottleDeadlineMs + 120000);
}

TEST(SecretsStep, AFailureNamesTheVariableNeverTheValue) {
  World w;
  w.kms_error = "AccessDeniedException";
  Config config = config_of(kConfig);
  Context context(config, w.clock);
  context.services.aws = w.session.get();
  Outcome outcome = SecretsStep().run(context);
  EXPECT_EQ(outcome.kind, OutcomeKind::Failed);
  EXPECT_NE(outcome.detail.find("A_SECRET (line 7): Decrypt: AccessDeniedException: refused"), std::string::npos) << outcome.detail;
  EXPECT_EQ(outcome.detail.find("Y2lwaGVy"), std::string::npos);
  EXPECT_TRUE(context.secrets.empty());
  Config none =
      config_of("#taupage-ami-config\napplication_id: a\napplication_version: \"1\"\nruntime: Docker\nsource: r.example.org/t/a:1\n");
  Context quiet(none, w.clock);
  EXPECT_EQ(SecretsStep().run(quiet).kind, OutcomeKind::Skipped);
}

TEST(NotifyStep, SuccessOnceAndNeverAfterFailure) {
  World w;
  Config config = config_of(kConfig);
  Context context(config, w.clock);
  context.services.aws = w.session.get();
  context.settings.state_dir = w.state_dir;
  context.settings.boot_id = "boot-1";
  Outcome outcome = NotifyStep().run(context);
  EXPECT_EQ(outcome.kind, OutcomeKind::Created) << outcome.detail;
  ASSERT_EQ(w.signals.size(), 1u);
  EXPECT_NE(w.signals[0].find("UniqueId=i-9&Status=SUCCESS"), std::string::npos);
  EXPECT_EQ(signal_sent_in_boot(w.state_dir, "boot-1"), "SUCCESS");

  context.settings.boot_id = "boot-2";
  signal_failure(w.session.get(), SignalTarget{"st", "Res"}, w.state_dir, "boot-2");
  ASSERT_EQ(w.signals.size(), 2u);
  EXPECT_NE(w.signals[1].find("Status=FAILURE"), std::string::npos);
  signal_failure(w.session.get(), SignalTarget{"st", "Res"}, w.state_dir, "boot-2");  // once per boot
  EXPECT_EQ(w.signals.size(), 2u);
  Outcome after = NotifyStep().run(context);
  EXPECT_EQ(after.kind, OutcomeKind::Failed);
  EXPECT_EQ(w.signals.size(), 2u);
}

TEST(NotifyStep, AFailureAfterSuccessInTheSameBootTellsCloudFormationNothingMore) {
  World w;
  Config config = config_of(kConfig);
  Context context(config, w.clock);
  context.services.aws = w.session.get();
  context.settings.state_dir = w.state_dir;
  context.settings.boot_id = "boot-1";
  ASSERT_EQ(NotifyStep().run(context).kind, OutcomeKind::Created);
  // A step after notify (shutdown) fails: the stage's failure path sends nothing.
  signal_failure(w.session.get(), SignalTarget{"st", "Res"}, w.state_dir, "boot-1");
  EXPECT_EQ(w.signals.size(), 1u);
  EXPECT_EQ(signal_sent_in_boot(w.state_dir, "boot-1"), "SUCCESS");
}

TEST(NotifyStep, ValidationErrorAfterARebootIsNotAFailure) {
  World w;
  w.cfn_error = "ValidationError";
  Config config = config_of(kConfig);
  Context context(config, w.clock);
  context.services.aws = w.session.get();
  context.settings.state_dir = w.state_dir;
  Outcome outcome = NotifyStep().run(context);
  EXPECT_EQ(outcome.kind, OutcomeKind::Kept) << outcome.detail;
  w.cfn_error = "AccessDenied";
  Outcome refused = NotifyStep().run(context);
  EXPECT_EQ(refused.kind, OutcomeKind::Failed);
}

TEST(NotifyStep, KeepsRetryingThrottlingUntilItsDeadline) {
  World w;
  w.cfn_throttles = 7;  // more than one call's three attempts: a fleet signalling at once
  Config config = config_of(kConfig);
  Context context(config, w.clock);
  context.services.aws = w.session.get();
  context.settings.state_dir = w.state_dir;
  Outcome outcome = NotifyStep().run(context);
  EXPECT_EQ(outcome.kind, OutcomeKind::Created) << outcome.detail;
  EXPECT_EQ(w.signals.size(), 1u);

  World endless;
  endless.cfn_throttles = 1000000;
  Context context2(config, endless.clock);
  context2.services.aws = endless.session.get();
  context2.settings.state_dir = endless.state_dir;
  Outcome gave_up = NotifyStep().run(context2);
  EXPECT_EQ(gave_up.kind, OutcomeKind::Failed);
  EXPECT_NE(gave_up.detail.find("Throttling"), std::string::npos) << gave_up.detail;
  EXPECT_GE(endless.clock.monotonic_ms(), kSignalThrottleDeadlineMs);
  EXPECT_LT(endless.clock.monotonic_ms(), kSignalThrottleDeadlineMs + 120000);
}

TEST(CfnSignal, AFailureSignalThatIsRefusedIsNotRecordedAndRaisesNothing) {
  World w;
  w.cfn_error = "AccessDenied";
  signal_failure(w.session.get(), SignalTarget{"st", "Res"}, w.state_dir, "boot-3");  // logs; the caller's failure stays the reason
  EXPECT_TRUE(w.signals.empty());
  EXPECT_FALSE(signal_sent_in_boot(w.state_dir, "boot-3"));
  w.cfn_error.clear();
  signal_failure(w.session.get(), SignalTarget{"st", "Res"}, w.state_dir, "boot-3");  // so a later try still sends it
  EXPECT_EQ(w.signals.size(), 1u);
}

TEST(CfnSignal, NotifyTargetFromInvalidUserData) {
  auto target = notify_target_of(read_config("#taupage-ami-config\nroot: \"false\"\nnotify_cfn:\n  stack: s1\n  resource: R1\n"));
  ASSERT_TRUE(target);
  EXPECT_EQ(target->stack, "s1");
  EXPECT_EQ(target->resource, "R1");
  EXPECT_FALSE(notify_target_of(read_config("#taupage-ami-config\nnotify_cfn: {stack: s1}\n")));
  EXPECT_FALSE(notify_target_of(read_config("#taupage-ami-config\nnotify_cfn: {stack: s1, resource: [R]}\n")));
  EXPECT_FALSE(notify_target_of(read_config("[unclosed")));
}

}  // namespace
}  // namespace taupage
