// The EC2 and S3 clients (S3 has no sub-command yet) against the AWS stand-in over real
// TLS, through the real HTTP client: botocore checks every signature there. DescribeVolumes
// pages by NextToken, AttachVolume goes attaching -> attached, S3 follows the bucket's region.
#include <gtest/gtest.h>

#include <cstdio>

#include "aws/aws_session.h"
#include "aws/ec2.h"
#include "aws/s3.h"
#include "net/http_client.h"
#include "support/aws_standin.h"

namespace taupage {
namespace {

struct Session {
  explicit Session(const testing::AwsStandin& standin) {
    env_values = standin.environment(false);
    HttpClientOptions options;
    options.ca_bundle = env_values["AWS_CA_BUNDLE"];
    http = std::make_unique<RealHttpClient>(options);
    session = std::make_unique<AwsSession>(*http, real_clock(), fixed_environment(env_values), system_random());
  }
  std::map<std::string, std::string> env_values;
  std::unique_ptr<RealHttpClient> http;
  std::unique_ptr<AwsSession> session;
};

TEST(AwsStandinIt, Ec2DescribeVolumesPagesAndAttachVolumeAttaches) {
  testing::AwsStandin standin({{"volumes.json", R"([{"id":"vol-01","name":"data"},{"id":"vol-02","name":"data"},
      {"id":"vol-03","name":"data"},{"id":"vol-04","name":"other"},{"id":"vol-05","name":"data","az":"eu-central-1b"}])"}},
                              0.5);
  ASSERT_TRUE(standin.ready());
  Session s(standin);
  auto service = s.session->service("ec2");
  ASSERT_TRUE(service) << service.error().message();
  Ec2Client ec2(**service);
  auto volumes = ec2.describe_volumes({{"tag:Name", {"data"}}, {"availability-zone", {"eu-central-1a"}}, {"status", {"available"}}});
  ASSERT_TRUE(volumes) << volumes.error().message();
  ASSERT_EQ(volumes->size(), 3u);  // two pages of at most two
  EXPECT_EQ((*volumes)[2].id, "vol-03");
  auto identity = s.session->imds().identity();
  ASSERT_TRUE(identity);
  auto attachment = ec2.attach_volume("vol-02", identity->instance_id, "/dev/sdf");
  ASSERT_TRUE(attachment) << attachment.error().message();
  EXPECT_EQ(attachment->status, "attaching");
  auto again = ec2.attach_volume("vol-02", identity->instance_id, "/dev/sdg");
  ASSERT_FALSE(again);
  EXPECT_EQ(ec2.last_error().code, "VolumeInUse");
  std::string status;
  for (int i = 0; i < 50 && status != "attached"; ++i) {
    auto one = ec2.describe_volumes({}, {"vol-02"});
    ASSERT_TRUE(one) << one.error().message();
    ASSERT_EQ(one->size(), 1u);
    ASSERT_EQ((*one)[0].attachments.size(), 1u);
    status = (*one)[0].attachments[0].status;
    if (status != "attached") real_clock().sleep_ms(100);
  }
  EXPECT_EQ(status, "attached");
  auto missing = ec2.describe_volumes({}, {"vol-99"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(ec2.last_error().code, "InvalidVolume.NotFound");
}

TEST(AwsStandinIt, S3GetObjectFollowsTheBucketRegion) {
  testing::AwsStandin standin(
      {{"s3/home-bucket/dir/file one.txt", "hello from s3\n"}, {"s3/far-bucket/key", "far away"}, {"s3/far-bucket/.region", "us-west-2"}});
  ASSERT_TRUE(standin.ready());
  Session s(standin);
  auto service = s.session->service("s3");
  ASSERT_TRUE(service) << service.error().message();
  S3Client s3(**service);
  auto body = s3.get_object("home-bucket", "dir/file one.txt");
  ASSERT_TRUE(body) << body.error().message();
  EXPECT_EQ(*body, "hello from s3\n");
  auto far = s3.get_object("far-bucket", "key");
  ASSERT_TRUE(far) << far.error().message();
  EXPECT_EQ(*far, "far away");
  auto missing = s3.get_object("home-bucket", "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(s3.last_error().code, "NoSuchKey");
}

// Faults the next requests meet, one a line, as the stand-in's faults/<service> file says.
void inject(const testing::AwsStandin& standin, const std::string& service, const std::string& fault) {
  FILE* f = std::fopen((standin.dir() + "/faults/" + service).c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fprintf(f, "%s\n", fault.c_str());
  std::fclose(f);
}

// EC2 and S3 with their own throttling codes (RequestLimitExceeded, SlowDown), 5xx, a reset, a
// cut or overlong body and a server clock 10 minutes ahead (RequestExpired, RequestTimeTooSkewed):
// each is retried or re-signed and the call succeeds. EC2 answering 200 with a body that is not
// XML is an error that says so. (S3's GetObject body is the object itself: no such check there.)
TEST(AwsStandinIt, Ec2AndS3RideOutTransientFaultsAndSkew) {
  testing::AwsStandin standin({{"volumes.json", R"([{"id":"vol-01","name":"data"}])"}, {"s3/home-bucket/key", "object body"}});
  ASSERT_TRUE(standin.ready());
  Session s(standin);
  auto ec2_service = s.session->service("ec2");
  auto s3_service = s.session->service("s3");
  ASSERT_TRUE(ec2_service && s3_service);
  Ec2Client ec2(**ec2_service);
  S3Client s3(**s3_service);
  for (const char* fault : {"throttle", "500", "503", "reset", "truncate", "badlength", "skew"}) {
    inject(standin, "ec2", fault);
    auto volumes = ec2.describe_volumes({{"tag:Name", {"data"}}});
    ASSERT_TRUE(volumes) << fault << ": " << volumes.error().message();
    EXPECT_EQ(volumes->size(), 1u) << fault;
    inject(standin, "s3", fault);
    auto body = s3.get_object("home-bucket", "key");
    ASSERT_TRUE(body) << fault << ": " << body.error().message();
    EXPECT_EQ(*body, "object body") << fault;
  }
  inject(standin, "ec2", "500\n500\n500");  // more than the three attempts: the fault was really there
  auto exhausted = ec2.describe_volumes({{"tag:Name", {"data"}}});
  ASSERT_FALSE(exhausted);
  EXPECT_EQ(ec2.last_error().status, 500) << exhausted.error().message();
  inject(standin, "ec2", "badbody");
  auto garbled = ec2.describe_volumes({{"tag:Name", {"data"}}});
  ASSERT_FALSE(garbled);
  EXPECT_NE(garbled.error().message().find("DescribeVolumes"), std::string::npos) << garbled.error().message();
}

}  // namespace
}  // namespace taupage
