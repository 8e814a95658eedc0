// The credentials from the mint bucket: the folder (owner, modes, atomic replacement, unchanged
// files left alone), the sync over a scripted S3 (403, 404, a body that is not JSON), the step's
// plan and its warning instead of a failure, and the refresh schedule of `taupage credentials`.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "aws/aws_session.h"
#include "config/config_reader.h"
#include "steps/credentials_sync.h"
#include "steps/step_credentials.h"
#include "support/aws_fakes.h"
#include "util/files.h"
#include "util/log.h"

namespace taupage {
namespace {

using testing::FakeHttpClient;
using testing::make_response;
using testing::ManualClock;

struct TempRoot {
  std::string path;
  TempRoot() {
    path = std::filesystem::temp_directory_path() / ("credentials-test-" + std::to_string(getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempRoot() { std::filesystem::remove_all(path); }
};

struct stat stat_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st;
}

std::string content_of(const std::string& path) { return *read_file(path); }

TEST(CredentialsFolder, FilesBelongToTheApplicationUserAndOnlyChangesAreWritten) {
  if (getuid() != 0) GTEST_SKIP() << "needs root (chown)";
  TempRoot root;
  CredentialsFolder folder(root.path + "/meta/credentials", 999, 999);
  ASSERT_TRUE(folder.prepare());
  struct stat dir = stat_of(folder.path());
  EXPECT_EQ(dir.st_mode & 07777, 0750u);
  EXPECT_EQ(dir.st_uid, 0u);
  EXPECT_EQ(dir.st_gid, 999u);
  EXPECT_EQ(stat_of(root.path + "/meta").st_mode & 07777, 0755u);

  auto first = folder.put("user.json", Secret(R"({"application_username":"a","application_password":"p1"})"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(*first, CredentialWrite::Created);
  std::string file = folder.path() + "/user.json";
  struct stat before = stat_of(file);
  EXPECT_EQ(before.st_uid, 999u);
  EXPECT_EQ(before.st_gid, 999u);
  EXPECT_EQ(before.st_mode & 07777, 0400u);

  // Unchanged: the same file (same inode), not even rewritten in place.
  auto again = folder.put("user.json", Secret(R"({"application_username":"a","application_password":"p1"})"));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, CredentialWrite::Kept);
  struct stat kept = stat_of(file);
  EXPECT_EQ(kept.st_ino, before.st_ino);
  EXPECT_EQ(kept.st_mtim.tv_nsec, before.st_mtim.tv_nsec);

  // Changed: a new file renamed over the old one (another inode), never a partial write.
  auto changed = folder.put("user.json", Secret(R"({"application_username":"a","application_password":"p2"})"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(*changed, CredentialWrite::Changed);
  EXPECT_NE(stat_of(file).st_ino, before.st_ino);
  EXPECT_EQ(content_of(file), R"({"application_username":"a","application_password":"p2"})");
  EXPECT_EQ(stat_of(file).st_mode & 07777, 0400u);
  for (const auto& entry : std::filesystem::directory_iterator(folder.path())) {
    EXPECT_EQ(entry.path().filename(), "user.json");  // no temporary file left behind
  }

  // A wrong owner or mode on an unchanged file is corrected without rewriting it.
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  ASSERT_EQ(::chown(file.c_str(), 0, 0), 0);
  ino_t inode = stat_of(file).st_ino;
  ASSERT_TRUE(folder.put("user.json", Secret(R"({"application_username":"a","application_password":"p2"})")));
  EXPECT_EQ(stat_of(file).st_ino, inode);
  EXPECT_EQ(stat_of(file).st_mode & 07777, 0400u);
  EXPECT_EQ(stat_of(file).st_uid, 999u);

  // A folder left open by an older run is closed again.
  ASSERT_EQ(::chmod(folder.path().c_str(), 0755), 0);
  ASSERT_TRUE(folder.prepare());
  EXPECT_EQ(stat_of(folder.path()).st_mode & 07777, 0750u);
  EXPECT_FALSE(folder.put("../escape.json", Secret("{}")));
}

TEST(CredentialsFolder, ASymlinkOnTheWayIsRefusedAndASymlinkFileIsReplaced) {
  if (getuid() != 0) GTEST_SKIP() << "needs root (chown)";
  TempRoot root;
  std::filesystem::create_directories(root.path + "/elsewhere");
  std::filesystem::create_symlink(root.path + "/elsewhere", root.path + "/meta");
  CredentialsFolder through_link(root.path + "/meta/credentials", 999, 999);
  auto refused = through_link.prepare();
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("symbolic link"), std::string::npos);

  CredentialsFolder folder(root.path + "/real/credentials", 999, 999);
  ASSERT_TRUE(folder.prepare());
  std::ofstream(root.path + "/target") << "outside";
  std::filesystem::create_symlink(root.path + "/target", folder.path() + "/client.json");
  auto put = folder.put("client.json", Secret("{}"));
  ASSERT_TRUE(put) << put.error().message();
  EXPECT_TRUE(S_ISREG(stat_of(folder.path() + "/client.json").st_mode));
  EXPECT_EQ(content_of(root.path + "/target"), "outside");
}

const char* kConfig = R"(#taupage-ami-config
application_id: kio
application_version: "1"
runtime: Docker
source: registry.example.org/team/kio:1
mint_bucket: my-mint-bucket
)";

// S3 over a scripted HTTP double: objects by key, or an error answer.
struct S3World {
  FakeHttpClient http;
  ManualClock clock;
  std::map<std::string, std::pair<int, std::string>> objects;  // "/bucket/key" -> status, body
  std::unique_ptr<AwsSession> session;

  S3World() {
    http.handler = [this](const Endpoint& e, const HttpRequest& r) -> Result<HttpResponse> {
      if (e.host == "169.254.169.254") {
        if (r.method == "PUT") return make_response(200, "token");
        return make_response(200, R"({"region":"eu-west-1","instanceId":"i-9"})");
      }
      auto it = objects.find(r.target);
      if (it == objects.end())
        return make_response(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
      return make_response(it->second.first, it->second.second);
    };
    session = std::make_unique<AwsSession>(
        http, clock,
        fixed_environment({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "S"}, {"AWS_ENDPOINT_URL_S3", "https://127.0.0.1:9443"}}),
        [] { return 0.5; });
  }
};

Config config_of(const char* text) {
  ConfigRead read = read_config(text);
  EXPECT_TRUE(read.config.has_value());
  return *read.config;
}

TEST(CredentialsSync, ExplainsDeniedMissingAndBrokenObjectsAndWritesTheGoodOnes) {
  if (getuid() != 0) GTEST_SKIP() << "needs root (chown)";
  TempRoot root;
  S3World w;
  auto service = w.session->service("s3");
  ASSERT_TRUE(service);
  S3Client s3(**service);
  CredentialsFolder folder(root.path + "/meta/credentials", 999, 999);

  w.objects["/my-mint-bucket/kio/user.json"] = {200, R"({"application_username":"kio","application_password":"s3cr3t-pw"})"};
  w.objects["/my-mint-bucket/kio/client.json"] = {403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"};
  CredentialsSync denied = sync_credentials(s3, "my-mint-bucket", "kio", folder);
  EXPECT_FALSE(denied.ok());
  EXPECT_EQ(denied.created, std::vector<std::string>{"user.json"});
  ASSERT_EQ(denied.problems.size(), 1u);
  EXPECT_NE(denied.problems[0].find("s3://my-mint-bucket/kio/client.json: access denied (AccessDenied: Access Denied (HTTP 403)): "
                                    "check that the bucket policy of my-mint-bucket and the instance's role allow s3:GetObject on "
                                    "arn:aws:s3:::my-mint-bucket/kio/*"),
            std::string::npos)
      << denied.problems[0];

  w.objects.erase("/my-mint-bucket/kio/client.json");
  CredentialsSync missing = sync_credentials(s3, "my-mint-bucket", "kio", folder);
  EXPECT_EQ(missing.kept, std::vector<std::string>{"user.json"});
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_NE(missing.problems[0].find("s3://my-mint-bucket/kio/client.json does not exist (NoSuchKey): check that application_id "
                                     "\"kio\" is the id the credentials are issued for"),
            std::string::npos)
      << missing.problems[0];

  w.objects["/my-mint-bucket/kio/client.json"] = {200, "<html>s3cr3t-html</html>"};
  CredentialsSync broken = sync_credentials(s3, "my-mint-bucket", "kio", folder);
  ASSERT_EQ(broken.problems.size(), 1u);
  EXPECT_NE(broken.problems[0].find("s3://my-mint-bucket/kio/client.json is not valid JSON (invalid JSON at byte 1); "), std::string::npos)
      << broken.problems[0];
  EXPECT_EQ(broken.summary().find("s3cr3t"), std::string::npos);
  EXPECT_FALSE(path_exists(folder.path() + "/client.json"));

  w.objects["/my-mint-bucket/kio/client.json"] = {200, R"({"client_id":"c","client_secret":"s3cr3t-cs"})"};
  CredentialsSync good = sync_credentials(s3, "my-mint-bucket", "kio", folder);
  EXPECT_TRUE(good.ok()) << good.summary();
  EXPECT_EQ(good.summary(), "client.json created, user.json kept (unchanged)");
  EXPECT_EQ(good.summary().find("s3cr3t"), std::string::npos);

  w.objects["/my-mint-bucket/kio/user.json"] = {200, R"({"application_username":"kio","application_password":"rotated"})"};
  CredentialsSync rotated = sync_credentials(s3, "my-mint-bucket", "kio", folder);
  EXPECT_EQ(rotated.summary(), "user.json changed, client.json kept (unchanged)");
  EXPECT_EQ(content_of(folder.path() + "/user.json"), R"({"application_username":"kio","application_password":"rotated"})");
}

TEST(CredentialsSync, NoSuchBucketPointsAtMintBucket) {
  AwsError error;
  error.status = 404;
  error.code = "NoSuchBucket";
  EXPECT_EQ(explain_s3_failure("b", "app/user.json", "app", error, "m"),
            "s3://b/app/user.json: the bucket b does not exist (NoSuchBucket): check mint_bucket in the user data");
  error.status = 500;
  error.code = "InternalError";
  EXPECT_EQ(explain_s3_failure("b", "app/user.json", "app", error, "GetObject: InternalError"), "GetObject: InternalError");
}

TEST(CredentialsStep, PlansTheFetchAndWarnsInsteadOfFailing) {
  TempRoot root;
  S3World w;
  Config config = config_of(kConfig);
  CredentialsStep step;
  auto plan = step.describe(config);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].text,
            "fetch s3://my-mint-bucket/kio/user.json and client.json into /meta/credentials (readable by uid 999 only; "
            "written when changed; a failure is a warning, not a failed boot)");
  EXPECT_EQ(plan[0].source, "line 6");
  EXPECT_TRUE(
      step
          .describe(config_of(
              std::string(kConfig).replace(std::string(kConfig).find("mint_bucket: my-mint-bucket"), 27, "mint_bucket: \"\"").c_str()))
          .empty());

  std::vector<std::string> warnings;
  Log::set_sink([&](LogLevel level, const std::string& line) {
    if (level == LogLevel::Warn) warnings.push_back(line);
  });
  Context context(config, w.clock);
  context.settings.root = root.path;
  context.services.aws = w.session.get();
  Outcome outcome = step.run(context);  // both objects missing
  Log::set_sink({});
  EXPECT_EQ(outcome.kind, OutcomeKind::Skipped);
  EXPECT_NE(outcome.detail.find("WARNING (not a boot failure): s3://my-mint-bucket/kio/user.json does not exist"), std::string::npos)
      << outcome.detail;
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("the container starts anyway"), std::string::npos);

  if (getuid() != 0) return;
  w.objects["/my-mint-bucket/kio/user.json"] = {200, "{}"};
  w.objects["/my-mint-bucket/kio/client.json"] = {200, "{}"};
  Outcome created = step.run(context);
  EXPECT_EQ(created.kind, OutcomeKind::Created) << created.detail;
  EXPECT_EQ(created.detail, "user.json created, client.json created in /meta/credentials from s3://my-mint-bucket/kio/");
  EXPECT_EQ(step.run(context).kind, OutcomeKind::Kept);
}

TEST(CredentialsRefresh, JitteredIntervalAndBoundedBackoff) {
  EXPECT_EQ(credentials_refresh_delay_ms(120, 0, 0.5), 120000);
  EXPECT_EQ(credentials_refresh_delay_ms(120, 0, 0.0), 108000);
  EXPECT_EQ(credentials_refresh_delay_ms(120, 0, 0.999999), 131999);
  EXPECT_EQ(credentials_refresh_delay_ms(120, 1, 0.5), 240000);
  EXPECT_EQ(credentials_refresh_delay_ms(120, 2, 0.5), 480000);
  EXPECT_EQ(credentials_refresh_delay_ms(120, 3, 0.5), 900000);  // capped at 15 minutes
  EXPECT_EQ(credentials_refresh_delay_ms(120, 50, 0.5), 900000);
  EXPECT_EQ(credentials_refresh_delay_ms(3600, 4, 0.5), 3600000);  // an interval above the cap is the cap
  EXPECT_EQ(credentials_refresh_delay_ms(1, 0, 0.5), 1000);
}

}  // namespace
}  // namespace taupage
