// The call path shared by every AWS client: signing, standard-mode retries, clock-skew
// correction, error shapes. The HTTP side is a scripted double and the clock a manual one.
#include "aws/aws_service.h"

#include <gtest/gtest.h>

#include "aws/aws_session.h"
#include "aws/cloudformation.h"
#include "aws/ec2.h"
#include "aws/kms.h"
#include "aws/s3.h"
#include "support/aws_fakes.h"
#include "util/base64.h"

namespace taupage {
namespace {

using testing::FakeHttpClient;
using testing::ManualClock;

Credentials test_credentials() {
  Credentials c;
  c.access_key_id = "AKIDTEST";
  c.secret_access_key = Secret("secret");
  return c;
}

struct Fixture {
  FakeHttpClient http;
  ManualClock clock;
  StaticCredentials credentials{test_credentials()};
  AwsDeps deps{http, credentials, clock, fixed_environment({{"AWS_ENDPOINT_URL_KMS", "https://127.0.0.1:4443"}}), [] { return 0.5; }};
  AwsService kms{deps, "kms", "eu-central-1"};
};

const char* kKmsThrottle = R"({"__type":"ThrottlingException","message":"Rate exceeded"})";

TEST(AwsService, SignsWithHostAndPort) {
  Fixture f;
  f.http.respond(200, R"({"Plaintext":"aGVsbG8="})");
  KmsClient kms(f.kms);
  auto plain = kms.decrypt(base64_encode("ciphertext"));
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(plain->reveal(), "hello");
  ASSERT_EQ(f.http.requests.size(), 1u);
  const auto& r = f.http.requests[0];
  EXPECT_EQ(r.header("Host"), "127.0.0.1:4443");
  EXPECT_EQ(r.header("X-Amz-Target"), "TrentService.Decrypt");
  EXPECT_NE(r.header("Authorization").find("Credential=AKIDTEST/"), std::string::npos);
  EXPECT_NE(r.header("Authorization").find("/eu-central-1/kms/aws4_request"), std::string::npos);
  EXPECT_EQ(r.endpoint.port, 4443);
}

TEST(AwsService, ThrottlingIsRetriedThreeTimesWithJitteredBackoff) {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.http.respond(400, kKmsThrottle);
  KmsClient kms(f.kms);
  auto plain = kms.decrypt(base64_encode("x"));
  ASSERT_FALSE(plain);
  EXPECT_EQ(f.http.requests.size(), 3u);
  EXPECT_EQ(f.clock.sleeps, (std::vector<int64_t>{500, 1000}));  // 0.5 * 1 s, 0.5 * 2 s
  EXPECT_NE(plain.error().message().find("Decrypt: ThrottlingException: Rate exceeded (HTTP 400) (after 3 attempts)"), std::string::npos)
      << plain.error().message();
  EXPECT_TRUE(kms.last_error().throttling());
}

TEST(AwsService, MaxAttemptsFromEnvironment) {
  Fixture f;
  f.deps.policy.max_attempts = 5;
  for (int i = 0; i < 4; ++i) f.http.respond(500, "");
  f.http.respond(200, R"({"Plaintext":"aGVsbG8="})");
  KmsClient kms(f.kms);
  EXPECT_TRUE(kms.decrypt(base64_encode("x")));
  EXPECT_EQ(f.http.requests.size(), 5u);
}

// The volumes step's client: throttling comes straight back to the step's loop (one retry layer),
// while a transient failure is still retried inside the call.
TEST(AwsService, ThrottlingLeftToTheCallerComesBackAtOnce) {
  Fixture f;
  f.kms.leave_throttling_to_caller(true);
  for (int i = 0; i < 3; ++i) f.http.respond(400, kKmsThrottle);
  KmsClient kms(f.kms);
  ASSERT_FALSE(kms.decrypt(base64_encode("x")));
  EXPECT_EQ(f.http.requests.size(), 1u);
  EXPECT_TRUE(kms.last_error().throttling());

  Fixture g;
  g.kms.leave_throttling_to_caller(true);
  g.http.respond(500, "");
  g.http.respond(200, R"({"Plaintext":"aGVsbG8="})");
  KmsClient kms2(g.kms);
  EXPECT_TRUE(kms2.decrypt(base64_encode("x")));
  EXPECT_EQ(g.http.requests.size(), 2u);
}

TEST(AwsService, AdaptiveModeFromTheEnvironmentAndItsLimiterSeesEveryAnswer) {
  EXPECT_TRUE(RetryPolicy::from_environment(fixed_environment({{"AWS_RETRY_MODE", "adaptive"}})).adaptive);
  EXPECT_FALSE(RetryPolicy::from_environment(fixed_environment({{"AWS_RETRY_MODE", "standard"}})).adaptive);
  EXPECT_EQ(RetryPolicy::from_environment(fixed_environment({{"AWS_RETRY_MODE", "adaptive"}})).max_attempts, 3);
  Fixture f;
  f.deps.policy.adaptive = true;
  f.http.respond(400, kKmsThrottle);
  f.http.respond(200, R"({"Plaintext":"aGVsbG8="})");
  KmsClient kms(f.kms);
  EXPECT_TRUE(kms.decrypt(base64_encode("x")));
  EXPECT_TRUE(f.kms.rate().enabled());  // the throttling answer switched the limiter on
  Fixture g;
  g.http.respond(400, kKmsThrottle);
  g.http.respond(200, R"({"Plaintext":"aGVsbG8="})");
  KmsClient kms2(g.kms);
  EXPECT_TRUE(kms2.decrypt(base64_encode("x")));
  EXPECT_FALSE(g.kms.rate().enabled());  // standard mode: no limiter
}

TEST(AwsService, TransportFailuresAreRetriedAndNamed) {
  Fixture f;
  f.http.fail("connection reset by peer");
  f.http.fail("timed out after 20000 ms");
  f.http.fail("connection reset by peer");
  KmsClient kms(f.kms);
  auto plain = kms.decrypt(base64_encode("x"));
  ASSERT_FALSE(plain);
  EXPECT_EQ(f.http.requests.size(), 3u);
  EXPECT_NE(plain.error().message().find("connection reset"), std::string::npos);
}

TEST(AwsService, ClientErrorsAreNotRetriedAndKeepTheirName) {
  for (const char* code : {"InvalidCiphertextException", "AccessDeniedException", "NotFoundException", "DisabledException"}) {
    Fixture f;
    f.http.respond(400, std::string(R"({"__type":"com.amazonaws.kms#)") + code + R"(","message":"no"})");
    KmsClient kms(f.kms);
    auto plain = kms.decrypt(base64_encode("x"));
    ASSERT_FALSE(plain);
    EXPECT_EQ(f.http.requests.size(), 1u);
    EXPECT_EQ(kms.last_error().code, code);
    EXPECT_NE(plain.error().message().find(code), std::string::npos);
  }
}

TEST(AwsService, ClockSkewIsCorrectedFromTheDateHeader) {
  Fixture f;
  f.clock.set_unix(1764172800);  // our clock
  f.http.respond(
      400,
      R"J({"__type":"InvalidSignatureException","message":"Signature expired: 20251126T160000Z is now earlier than 20251126T161000Z (20251126T161000Z - 5 min.)"})J",
      {{"Date", "Wed, 26 Nov 2025 16:10:00 GMT"}});
  f.http.respond(200, R"({"Plaintext":"aGVsbG8="})");
  KmsClient kms(f.kms);
  ASSERT_TRUE(kms.decrypt(base64_encode("x")));
  ASSERT_EQ(f.http.requests.size(), 2u);
  EXPECT_EQ(f.http.requests[0].header("X-Amz-Date"), "20251126T160000Z");
  EXPECT_EQ(f.http.requests[1].header("X-Amz-Date"), "20251126T161000Z");
  EXPECT_TRUE(f.clock.sleeps.empty());
  EXPECT_EQ(f.deps.clock_offset_s, 600);
}

TEST(AwsService, BrokenAnswerIsAClearError) {
  Fixture f;
  f.http.respond(200, "{not json");
  KmsClient kms(f.kms);
  auto plain = kms.decrypt(base64_encode("x"));
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message().find("not a JSON object"), std::string::npos);
  Fixture g;
  KmsClient kms2(g.kms);
  EXPECT_FALSE(kms2.decrypt("not base64!"));
  EXPECT_TRUE(g.http.requests.empty());
}

TEST(Ec2, DescribeVolumesFollowsNextTokenAndEncodesFilters) {
  Fixture f;
  f.deps.env = fixed_environment({});
  AwsService ec2_service(f.deps, "ec2", "eu-central-1");
  Ec2Client ec2(ec2_service);
  f.http.respond(
      200,
      "<DescribeVolumesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId><volumeSet>"
      "<item><volumeId>vol-1</volumeId><size>10</size><availabilityZone>eu-central-1a</availabilityZone><status>available</status>"
      "<attachmentSet/><tagSet><item><key>Name</key><value>data</value></item></tagSet></item>"
      "</volumeSet><nextToken>tok2</nextToken></DescribeVolumesResponse>");
  f.http.respond(200,
                 "<DescribeVolumesResponse><volumeSet><item><volumeId>vol-2</volumeId><status>in-use</status><attachmentSet><item>"
                 "<instanceId>i-1</instanceId><device>/dev/sdf</device><status>attached</status></item></attachmentSet></item>"
                 "</volumeSet></DescribeVolumesResponse>");
  auto volumes = ec2.describe_volumes({{"tag:Name", {"data"}}, {"status", {"available", "in-use"}}});
  ASSERT_TRUE(volumes) << volumes.error().message();
  ASSERT_EQ(volumes->size(), 2u);
  EXPECT_EQ((*volumes)[0].tag("Name"), "data");
  EXPECT_EQ((*volumes)[0].size_gib, 10);
  EXPECT_EQ((*volumes)[1].attachments.at(0).status, "attached");
  ASSERT_EQ(f.http.requests.size(), 2u);
  EXPECT_EQ(f.http.requests[0].request.body,
            "Action=DescribeVolumes&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=data&Filter.2.Name=status"
            "&Filter.2.Value.1=available&Filter.2.Value.2=in-use");
  EXPECT_NE(f.http.requests[1].request.body.find("&NextToken=tok2"), std::string::npos);
  EXPECT_EQ(f.http.requests[0].endpoint.host, "ec2.eu-central-1.amazonaws.com");
}

TEST(Ec2, AttachVolumeAndEc2ErrorShape) {
  Fixture f;
  f.deps.env = fixed_environment({});
  AwsService ec2_service(f.deps, "ec2", "eu-central-1");
  Ec2Client ec2(ec2_service);
  f.http.respond(200,
                 "<AttachVolumeResponse><volumeId>vol-1</volumeId><instanceId>i-1</instanceId><device>/dev/sdf</device>"
                 "<status>attaching</status></AttachVolumeResponse>");
  auto a = ec2.attach_volume("vol-1", "i-1", "/dev/sdf");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, "attaching");
  f.http.respond(400,
                 "<Response><Errors><Error><Code>VolumeInUse</Code><Message>vol-1 is already attached</Message></Error></Errors>"
                 "<RequestID>r</RequestID></Response>");
  auto b = ec2.attach_volume("vol-1", "i-1", "/dev/sdf");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message(), "AttachVolume: VolumeInUse: vol-1 is already attached (HTTP 400)");
  // RequestLimitExceeded is EC2's throttling
  for (int i = 0; i < 3; ++i) f.http.respond(503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>");
  EXPECT_FALSE(ec2.describe_volumes({}));
  EXPECT_TRUE(ec2.last_error().throttling());
}

TEST(CloudFormation, CfnV1FirstThenSigV4) {
  Fixture f;
  f.deps.env = fixed_environment({});
  AwsService cfn_service(f.deps, "cloudformation", "eu-central-1");
  CloudFormationClient cfn(cfn_service);
  InstanceProof proof{"{\"region\":\"eu-central-1\"}", "abc\ndef\n"};
  f.http.respond(200, "<SignalResourceResponse/>");
  ASSERT_TRUE(cfn.signal_resource({"stack", "Res", "i-1", "SUCCESS"}, proof));
  EXPECT_EQ(cfn.used_auth(), "CFN_V1");
  const auto& r = f.http.requests[0];
  EXPECT_EQ(r.request.method, "GET");
  EXPECT_EQ(r.request.target,
            "/?Action=SignalResource&Version=2010-05-15&StackName=stack&LogicalResourceId=Res&UniqueId=i-1&Status=SUCCESS");
  EXPECT_EQ(r.header("Authorization"), "CFN_V1 " + base64_encode(proof.document) + ":abcdef");

  f.http.respond(
      403, "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error></ErrorResponse>");
  f.http.respond(200, "<SignalResourceResponse/>");
  ASSERT_TRUE(cfn.signal_resource({"stack", "Res", "i-1", "FAILURE"}, proof));
  EXPECT_EQ(cfn.used_auth(), "SigV4");
  EXPECT_EQ(f.http.requests.back().request.method, "POST");
  EXPECT_NE(f.http.requests.back().header("Authorization").find("AWS4-HMAC-SHA256"), std::string::npos);

  f.http.respond(400,
                 "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Resource Res is in CREATE_COMPLETE state "
                 "and can not be signaled</Message></Error></ErrorResponse>");
  auto st = cfn.signal_resource({"stack", "Res", "i-1", "SUCCESS"}, proof);
  ASSERT_FALSE(st);
  EXPECT_EQ(cfn.last_error().code, "ValidationError");
  EXPECT_FALSE(cfn.signal_resource({"stack", "Res", "i-1", "MAYBE"}, proof));
}

TEST(S3, PathStyleWhenOverriddenAndFollowsBucketRegion) {
  Fixture f;
  f.deps.env = fixed_environment({{"AWS_ENDPOINT_URL_S3", "https://127.0.0.1:9443"}});
  AwsService s3_service(f.deps, "s3", "eu-central-1");
  S3Client s3(s3_service);
  f.http.respond(400, "<Error><Code>AuthorizationHeaderMalformed</Code><Message>wrong region</Message></Error>",
                 {{"x-amz-bucket-region", "us-west-2"}});
  f.http.respond(200, "content");
  auto body = s3.get_object("my-bucket", "dir/a b.txt");
  ASSERT_TRUE(body) << body.error().message();
  EXPECT_EQ(*body, "content");
  ASSERT_EQ(f.http.requests.size(), 2u);
  EXPECT_EQ(f.http.requests[0].request.target, "/my-bucket/dir/a%20b.txt");
  EXPECT_NE(f.http.requests[0].header("Authorization").find("/eu-central-1/s3/"), std::string::npos);
  EXPECT_NE(f.http.requests[1].header("Authorization").find("/us-west-2/s3/"), std::string::npos);
  EXPECT_EQ(f.http.requests[1].header("x-amz-content-sha256"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  Fixture g;
  g.deps.env = fixed_environment({});
  AwsService s3_aws(g.deps, "s3", "eu-central-1");
  S3Client s3b(s3_aws);
  g.http.respond(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
  auto missing = s3b.get_object("b", "k");
  ASSERT_FALSE(missing);
  EXPECT_EQ(g.http.requests[0].endpoint.host, "b.s3.eu-central-1.amazonaws.com");
  EXPECT_NE(missing.error().message().find("NoSuchKey"), std::string::npos);
}

// Real S3 names the bucket's region in several ways: 301 PermanentRedirect (virtual-hosted: the
// next request goes to the region's host), the region only in <Region> or only in the message of
// AuthorizationHeaderMalformed. Each is followed once; a second redirect is not followed.
TEST(S3, FollowsEveryShapeOfRegionAnswerOnce) {
  Fixture f;
  f.deps.env = fixed_environment({});
  AwsService s3_service(f.deps, "s3", "eu-central-1");
  S3Client s3(s3_service);
  f.http.respond(301,
                 "<Error><Code>PermanentRedirect</Code><Message>use the endpoint</Message>"
                 "<Endpoint>bkt.s3.ap-southeast-2.amazonaws.com</Endpoint><Bucket>bkt</Bucket></Error>");
  f.http.respond(200, "moved");
  auto moved = s3.get_object("bkt", "k");
  ASSERT_TRUE(moved) << moved.error().message();
  ASSERT_EQ(f.http.requests.size(), 2u);
  EXPECT_EQ(f.http.requests[1].endpoint.host, "bkt.s3.ap-southeast-2.amazonaws.com");
  EXPECT_NE(f.http.requests[1].header("Authorization").find("/ap-southeast-2/s3/"), std::string::npos);

  f.http.respond(400, "<Error><Code>AuthorizationHeaderMalformed</Code><Message>m</Message><Region>us-east-2</Region></Error>");
  f.http.respond(200, "body region");
  ASSERT_TRUE(s3.get_object("bkt", "k"));
  EXPECT_EQ(f.http.requests[3].endpoint.host, "bkt.s3.us-east-2.amazonaws.com");

  f.http.respond(400,
                 "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region "
                 "'eu-central-1' is wrong; expecting 'sa-east-1'</Message></Error>");
  f.http.respond(200, "message region");
  ASSERT_TRUE(s3.get_object("bkt", "k"));
  EXPECT_EQ(f.http.requests[5].endpoint.host, "bkt.s3.sa-east-1.amazonaws.com");

  f.http.respond(301, "<Error><Code>PermanentRedirect</Code><Message>m</Message></Error>", {{"x-amz-bucket-region", "us-west-1"}});
  f.http.respond(301, "<Error><Code>PermanentRedirect</Code><Message>m</Message></Error>", {{"x-amz-bucket-region", "us-west-2"}});
  auto twice = s3.get_object("bkt", "k");
  ASSERT_FALSE(twice);
  EXPECT_EQ(f.http.requests.size(), 8u);
  EXPECT_NE(twice.error().message().find("PermanentRedirect"), std::string::npos) << twice.error().message();

  f.http.respond(301, "<Error><Code>PermanentRedirect</Code><Message>m</Message></Error>");
  auto nowhere = s3.get_object("bkt", "k");
  ASSERT_FALSE(nowhere);
  EXPECT_NE(nowhere.error().message().find("S3 did not say which region"), std::string::npos) << nowhere.error().message();
}

TEST(S3, RegionOfHostNames) {
  EXPECT_EQ(region_of_s3_host("bkt.s3.us-west-2.amazonaws.com"), "us-west-2");
  EXPECT_EQ(region_of_s3_host("s3-eu-west-1.amazonaws.com"), "eu-west-1");
  EXPECT_EQ(region_of_s3_host("bkt.s3.dualstack.ap-south-1.amazonaws.com"), "ap-south-1");
  EXPECT_EQ(region_of_s3_host("bkt.s3.amazonaws.com"), "");
  EXPECT_EQ(region_of_s3_host("example.org"), "");
}

// HTTPS_PROXY applies to the services; the instance metadata service is never reached through it.
TEST(AwsService, ServicesGoThroughTheProxyAndImdsNever) {
  FakeHttpClient http;
  ManualClock clock;
  http.handler = [](const Endpoint& e, const HttpRequest& r) -> Result<HttpResponse> {
    if (e.host == "169.254.169.254") {
      if (r.method == "PUT") return testing::make_response(200, "token");
      return testing::make_response(200, R"({"region":"eu-west-1","instanceId":"i-1"})");
    }
    return testing::make_response(200, R"({"Plaintext":"aGVsbG8="})");
  };
  AwsSession session(http, clock,
                     fixed_environment({{"AWS_ACCESS_KEY_ID", "AK"},
                                        {"AWS_SECRET_ACCESS_KEY", "S"},
                                        {"HTTPS_PROXY", "http://proxy.corp:3128"},
                                        {"HTTP_PROXY", "http://proxy.corp:3128"},
                                        {"NO_PROXY", "ec2.eu-west-1.amazonaws.com"}}),
                     [] { return 0.5; });
  auto kms_service = session.service("kms");
  ASSERT_TRUE(kms_service) << kms_service.error().message();
  KmsClient kms(**kms_service);
  ASSERT_TRUE(kms.decrypt(base64_encode("x")));
  auto ec2_service = session.service("ec2");
  ASSERT_TRUE(ec2_service);
  HttpRequest request;
  (void)(*ec2_service)->call("Probe", request, AwsProtocol::Ec2);
  int imds = 0, proxied = 0;
  for (const auto& r : http.requests) {
    if (r.endpoint.host == "169.254.169.254") {
      ++imds;
      EXPECT_FALSE(r.endpoint.proxy.has_value());
    } else if (r.endpoint.host == "kms.eu-west-1.amazonaws.com") {
      ++proxied;
      ASSERT_TRUE(r.endpoint.proxy.has_value());
      EXPECT_EQ(r.endpoint.proxy->url, "http://proxy.corp:3128");
    } else {
      EXPECT_EQ(r.endpoint.host, "ec2.eu-west-1.amazonaws.com");
      EXPECT_FALSE(r.endpoint.proxy.has_value());  // NO_PROXY
    }
  }
  EXPECT_GE(imds, 2);
  EXPECT_EQ(proxied, 1);
}

}  // namespace
}  // namespace taupage
