// VolumeAttacher against a scripted EC2 and a fake kernel that moves with a ManualClock: every
// branch of the issue (kept, attach, wait then attach, race lost, ambiguous, timeouts on each
// wait, NVMe and Xen naming, links) and that all AttachVolume requests precede the first wait.
#include "steps/volume_attacher.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <functional>

#include "support/manual_clock.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

constexpr const char* kMe = "i-0me0000000000000";
constexpr const char* kZone = "eu-central-1a";

// Time moves only through sleeps; each sleep lets the fake cloud and kernel catch up.
class SteppingClock : public ManualClock {
 public:
  std::function<void()> on_sleep;
  void sleep_ms(int64_t ms) override {
    ManualClock::sleep_ms(ms);
    if (on_sleep) on_sleep();
  }
};

struct FakeVolume {
  Volume v;
  int64_t attaching_since = -1;  // for this instance
  int64_t attached_at = -1;
  bool plugged = false;
  int64_t release_at = -1;    // when another instance lets go
  int64_t available_at = -1;  // when a volume being created is ready
  int64_t taken_at = -1;      // when another instance takes it over, even from this one's attaching
};

struct Call {
  std::string what;  // "describe", "attach vol-..."
  int64_t at_ms;
};

class FakeCloud : public VolumeApi {
 public:
  FakeCloud(SteppingClock& clock, std::string sys, std::string dev) : clock_(clock), sys_(std::move(sys)), dev_(std::move(dev)) {
    clock_.on_sleep = [this] { tick(); };
  }

  int64_t attach_delay_ms = 2000;
  int64_t plug_delay_ms = 300;
  int64_t plug_while_attaching_ms = -1;  // >= 0: the disk appears this long after AttachVolume, before EC2 says attached
  bool nvme = true;
  bool never_attached = false;
  bool never_plugged = false;
  std::deque<AwsError> attach_refusals;  // answered, in order, before any attach succeeds
  std::deque<AwsError> describe_failures;
  std::vector<FakeVolume> volumes;
  std::vector<Call> calls;

  FakeVolume& add(const std::string& id, const std::string& name, const std::string& status = "available",
                  const std::string& zone = kZone) {
    FakeVolume f;
    f.v.id = id;
    f.v.availability_zone = zone;
    f.v.status = status;
    f.v.tags = {{"Name", name}};
    volumes.push_back(f);
    return volumes.back();
  }
  FakeVolume& held_by(const std::string& id, const std::string& name, const std::string& instance, int64_t release_at) {
    FakeVolume& f = add(id, name, "in-use");
    f.v.attachments = {{instance, "/dev/sdf", "attached"}};
    f.release_at = release_at;
    return f;
  }
  FakeVolume& mine(const std::string& id, const std::string& name, const std::string& device) {
    FakeVolume& f = add(id, name, "in-use");
    f.v.attachments = {{kMe, device, "attached"}};
    f.attaching_since = f.attached_at = 0;
    plug(f, device);
    return f;
  }

  void tick() {
    int64_t now = clock_.monotonic_ms();
    for (auto& f : volumes) {
      if (f.release_at >= 0 && now >= f.release_at) {
        f.v.attachments.clear();
        f.v.status = "available";
        f.release_at = -1;
      }
      if (f.taken_at >= 0 && now >= f.taken_at) {
        f.v.status = "in-use";
        f.v.attachments = {{"i-0other0000000000002", "/dev/sdf", "attached"}};
        f.attaching_since = -1;
        f.taken_at = -1;
      }
      if (f.available_at >= 0 && now >= f.available_at) {
        f.v.status = "available";
        f.available_at = -1;
      }
      if (f.attaching_since >= 0 && f.attached_at < 0 && !never_attached && now >= f.attaching_since + attach_delay_ms) {
        f.attached_at = now;
        f.v.attachments[0].status = "attached";
      }
      if (f.attached_at >= 0 && !f.plugged && !never_plugged && now >= f.attached_at + plug_delay_ms) plug(f, f.v.attachments[0].device);
      if (plug_while_attaching_ms >= 0 && f.attaching_since >= 0 && !f.plugged && now >= f.attaching_since + plug_while_attaching_ms)
        plug(f, f.v.attachments[0].device);
    }
  }

  Result<std::vector<Volume>> volumes_named(const std::vector<std::string>& names, const std::string& zone) override {
    calls.push_back({"describe", clock_.monotonic_ms()});
    if (!describe_failures.empty()) {
      last_ = describe_failures.front();
      describe_failures.pop_front();
      return Error("DescribeVolumes: " + last_.describe());
    }
    std::vector<Volume> out;
    for (const auto& f : volumes) {
      if (f.v.availability_zone == zone && std::find(names.begin(), names.end(), f.v.tag("Name")) != names.end()) out.push_back(f.v);
    }
    return out;
  }

  Result<VolumeAttachment> attach(const std::string& volume_id, const std::string& instance_id, const std::string& device) override {
    calls.push_back({"attach " + volume_id + " " + device, clock_.monotonic_ms()});
    if (!attach_refusals.empty()) {
      last_ = attach_refusals.front();
      attach_refusals.pop_front();
      return Error("AttachVolume: " + last_.describe());
    }
    for (auto& f : volumes) {
      if (f.v.id != volume_id) continue;
      if (!f.v.attachments.empty()) {
        last_ = {400, "VolumeInUse", volume_id + " is already attached to an instance", "", ""};
        return Error("AttachVolume: " + last_.describe());
      }
      f.v.status = "in-use";
      f.v.attachments = {{instance_id, device, "attaching"}};
      f.attaching_since = clock_.monotonic_ms();
      return VolumeAttachment{instance_id, device, "attaching"};
    }
    last_ = {400, "InvalidVolume.NotFound", "no " + volume_id, "", ""};
    return Error("AttachVolume: " + last_.describe());
  }

  const AwsError& last_error() const override { return last_; }

  // The pauses between this call and the next of the same kind ("describe").
  std::vector<int64_t> pauses_between(const std::string& what) const {
    std::vector<int64_t> at, pauses;
    for (const auto& c : calls) {
      if (c.what == what) at.push_back(c.at_ms);
    }
    for (size_t i = 1; i < at.size(); ++i) pauses.push_back(at[i] - at[i - 1]);
    return pauses;
  }

  int attach_calls() const {
    int n = 0;
    for (const auto& c : calls) n += c.what.rfind("attach", 0) == 0;
    return n;
  }

  // What the kernel does when the disk arrives: a sysfs entry, then its node.
  void plug(FakeVolume& f, const std::string& device) {
    std::string name;
    if (nvme) {
      name = strfmt("nvme%dn1", next_nvme_++);
      (void)make_dirs(sys_ + "/block/" + name + "/device");
      std::string serial = f.v.id.substr(0, 3) + f.v.id.substr(4);
      (void)write_file_atomic(sys_ + "/block/" + name + "/device/serial",
                              serial + std::string(20 - std::min<size_t>(20, serial.size()), ' ') + "\n");
    } else {
      name = "xvd" + ebs_slot_of(device);
      (void)make_dirs(sys_ + "/block/" + name);
    }
    (void)write_file_atomic(dev_ + "/" + name, "");
    f.plugged = true;
  }

 private:
  SteppingClock& clock_;
  std::string sys_, dev_;
  AwsError last_;
  int next_nvme_ = 1;
};

std::string make_root() {
  char pattern[] = "/tmp/volumes-attacher.XXXXXX";
  const char* made = mkdtemp(pattern);
  return made ? made : "/nonexistent-volumes-attacher";
}

class Attacher : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(make_dirs(root_ + "/sys/block/nvme0n1/device"));
    ASSERT_TRUE(make_dirs(root_ + "/dev"));
    // The root disk: an EBS namespace too, which must never be taken for a configured volume.
    ASSERT_TRUE(write_file_atomic(root_ + "/sys/block/nvme0n1/device/serial", "vol0root000000000000\n"));
    ASSERT_TRUE(write_file_atomic(root_ + "/dev/nvme0n1", ""));
    Log::set_sink([this](LogLevel, const std::string& line) { log.push_back({clock.monotonic_ms(), line}); });
  }
  void TearDown() override {
    Log::set_sink({});
    std::filesystem::remove_all(root_);
  }

  Result<std::vector<AttachedVolume>> run(const std::vector<VolumeRequest>& requests, VolumeTimeouts timeouts = {}) {
    EbsDeviceLocator devices(root_ + "/sys", root_ + "/dev");
    VolumeAttacher attacher(cloud, devices, clock, {kMe, kZone}, timeouts, random);
    return attacher.run(requests);
  }
  std::string link_of(const std::string& name) {
    char buf[256];
    ssize_t n = readlink((root_ + "/dev/" + name).c_str(), buf, sizeof buf);
    return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
  }
  std::vector<std::pair<int64_t, std::string>> lines_with(const std::string& text) {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const auto& l : log) {
      if (l.second.find(text) != std::string::npos) out.push_back(l);
    }
    return out;
  }

  static VolumeRequest sdf(const std::string& name = "data") { return {"/dev/sdf", "f", name, 38}; }

  std::string root_ = make_root();
  SteppingClock clock;
  RandomSource random = [] { return 0.5; };
  FakeCloud cloud{clock, root_ + "/sys", root_ + "/dev"};
  std::vector<std::pair<int64_t, std::string>> log;
};

TEST_F(Attacher, KeepsTheVolumeAlreadyAttachedToThisInstance) {
  cloud.mine("vol-0aaa000000000001", "data", "/dev/sdf");
  cloud.add("vol-0bbb000000000002", "data");  // another one available: a reboot must not take it
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  ASSERT_EQ(result->size(), 1u);
  EXPECT_TRUE((*result)[0].kept);
  EXPECT_EQ((*result)[0].volume_id, "vol-0aaa000000000001");
  EXPECT_EQ(cloud.attach_calls(), 0);
  EXPECT_EQ(link_of("sdf"), "nvme1n1");
  EXPECT_EQ(link_of("xvdf"), "nvme1n1");
}

TEST_F(Attacher, AttachesTheOneAvailableVolumeAndWaitsForItsDisk) {
  cloud.add("vol-0other00000000009", "data", "available", "eu-central-1b");  // another zone: not a candidate
  cloud.add("vol-0aaa000000000001", "data");
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_FALSE((*result)[0].kept);
  EXPECT_EQ((*result)[0].device.name, "nvme1n1");
  ASSERT_EQ(cloud.attach_calls(), 1);
  EXPECT_EQ(cloud.calls[1].what, "attach vol-0aaa000000000001 /dev/sdf");
  EXPECT_EQ(link_of("sdf"), "nvme1n1");
  EXPECT_GE(clock.monotonic_ms(), cloud.attach_delay_ms + cloud.plug_delay_ms);  // it did wait for attached, then the disk
}

TEST_F(Attacher, WaitsWhileAnotherInstanceHoldsItLoggingTheHolderEvery30s) {
  cloud.held_by("vol-0aaa000000000001", "data", "i-0old00000000000001", 95000);
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(cloud.attach_calls(), 1);
  auto waiting = lines_with("i-0old00000000000001");
  ASSERT_GE(waiting.size(), 4u);  // at 0, 30, 60, 90 s
  EXPECT_EQ(waiting[0].first, 0);
  for (size_t i = 1; i < waiting.size(); ++i) EXPECT_LE(waiting[i].first - waiting[i - 1].first, 30000);
  EXPECT_NE(waiting[0].second.find("/dev/sdf (Name=data, line 38)"), std::string::npos) << waiting[0].second;
}

TEST_F(Attacher, SaysWhenTheVolumeIsBeingCreated) {
  FakeVolume& f = cloud.add("vol-0aaa000000000001", "data", "creating");
  f.available_at = 12000;
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_FALSE(lines_with("vol-0aaa000000000001 is being created").empty());
}

TEST_F(Attacher, LostRaceIsNotAnErrorItWaitsForTheNextVolume) {
  cloud.add("vol-0aaa000000000001", "data");
  // Another instance of the group takes it between our DescribeVolumes and our AttachVolume.
  cloud.attach_refusals.push_back({400, "VolumeInUse", "vol-0aaa000000000001 is already attached to an instance", "", ""});
  cloud.volumes[0].v.status = "available";
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(cloud.attach_calls(), 2);
  EXPECT_FALSE(lines_with("another instance took vol-0aaa000000000001 first (VolumeInUse)").empty());
}

TEST_F(Attacher, IncorrectStateIsALostRaceToo) {
  cloud.add("vol-0aaa000000000001", "data");
  cloud.attach_refusals.push_back({400, "IncorrectState", "vol-0aaa000000000001 is 'in-use'", "", ""});
  cloud.attach_refusals.push_back({400, "IncorrectState", "vol-0aaa000000000001 is 'in-use'", "", ""});
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(cloud.attach_calls(), 3);
}

TEST_F(Attacher, SeveralAvailableCandidatesAttachNothingAnywhere) {
  cloud.add("vol-0ccc000000000003", "logs");
  cloud.add("vol-0aaa000000000001", "data");
  cloud.add("vol-0bbb000000000002", "data");
  auto result = run({{"/dev/sdg", "g", "logs", 37}, sdf()});
  ASSERT_FALSE(result);
  const std::string& m = result.error().message();
  EXPECT_NE(m.find("vol-0aaa000000000001, vol-0bbb000000000002"), std::string::npos) << m;
  EXPECT_NE(m.find("/dev/sdf (Name=data, line 38)"), std::string::npos) << m;
  EXPECT_NE(m.find("nothing was attached"), std::string::npos) << m;
  EXPECT_EQ(cloud.attach_calls(), 0);  // not even the unambiguous /dev/sdg
}

TEST_F(Attacher, GivesUpAtTheVolumeTimeoutNamingTheHolder) {
  cloud.held_by("vol-0aaa000000000001", "data", "i-0old00000000000001", -1);
  VolumeTimeouts t;
  auto result = run({sdf()}, t);
  ASSERT_FALSE(result);
  EXPECT_GE(clock.monotonic_ms(), t.available_ms);
  EXPECT_LT(clock.monotonic_ms(), t.available_ms + t.search_poll_ms + 1000);
  const std::string& m = result.error().message();
  EXPECT_NE(m.find("gave up waiting for an available volume after 1200s"), std::string::npos) << m;
  EXPECT_NE(m.find("vol-0aaa000000000001 is attached to i-0old00000000000001"), std::string::npos) << m;
}

// The search's deadline counts from the start of the step: after a volume went back to searching,
// the message says how long the search took, not how long since the lost attachment began.
TEST_F(Attacher, AfterLosingAnAttachmentTheTimeoutSaysTheWholeSearchTime) {
  FakeVolume& v = cloud.held_by("vol-0aaa000000000001", "data", "i-0old00000000000001", 600000);
  v.taken_at = 620000;
  cloud.never_attached = true;
  VolumeTimeouts t;
  auto result = run({sdf()}, t);
  ASSERT_FALSE(result);
  EXPECT_EQ(cloud.attach_calls(), 1);
  const std::string& m = result.error().message();
  EXPECT_NE(m.find("gave up waiting for an available volume after 1200s"), std::string::npos) << m;
  EXPECT_NE(m.find("is attached to i-0other0000000000002"), std::string::npos) << m;
}

TEST_F(Attacher, NoVolumeAtAllTimesOutWithASayingSo) {
  VolumeTimeouts t;
  t.available_ms = 60000;
  auto result = run({sdf()}, t);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("no volume named \"data\" in eu-central-1a yet"), std::string::npos) << result.error().message();
  EXPECT_LE(clock.monotonic_ms(), 60000 + t.search_poll_ms);
}

TEST_F(Attacher, AttachingForeverHitsTheAttachDeadline) {
  cloud.add("vol-0aaa000000000001", "data");
  cloud.never_attached = true;
  VolumeTimeouts t;
  auto result = run({sdf()}, t);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("gave up waiting for the attached state after 300s"), std::string::npos)
      << result.error().message();
  EXPECT_NE(result.error().message().find("left attached: /dev/sdf vol-0aaa000000000001 attaching"), std::string::npos)
      << result.error().message();
}

TEST_F(Attacher, ADiskThatNeverAppearsHitsTheDeviceDeadline) {
  cloud.add("vol-0aaa000000000001", "data");
  cloud.never_plugged = true;
  VolumeTimeouts t;
  auto result = run({sdf()}, t);
  ASSERT_FALSE(result);
  const std::string& m = result.error().message();
  EXPECT_NE(m.find("gave up waiting for the disk after 120s"), std::string::npos) << m;
  EXPECT_NE(m.find("NVMe serial vol0aaa000000000001"), std::string::npos) << m;
  EXPECT_NE(m.find("left attached: /dev/sdf vol-0aaa000000000001 attached:"), std::string::npos) << m;
  EXPECT_LE(clock.monotonic_ms(), cloud.attach_delay_ms + t.attach_poll_ms + t.device_ms + t.device_poll_ms);
}

TEST_F(Attacher, OnXenTheDiskIsTheSlotAndGetsTheSdLink) {
  cloud.nvme = false;
  cloud.add("vol-0aaa000000000001", "data");
  auto result = run({{"/dev/xvdf", "f", "data", 38}});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ((*result)[0].device.name, "xvdf");
  EXPECT_EQ(link_of("sdf"), "xvdf");
  EXPECT_EQ(link_of("xvdf"), "");  // the disk itself, not a link
}

TEST_F(Attacher, AllAttachRequestsGoOutBeforeTheFirstWaitAndTheWaitsOverlap) {
  std::vector<VolumeRequest> requests;
  for (char slot : std::string("fghi")) {
    std::string name = std::string("data-") + slot;
    cloud.add(strfmt("vol-0aaa00000000000%c", slot), name);
    requests.push_back({std::string("/dev/sd") + slot, std::string(1, slot), name, 40});
  }
  auto result = run(requests);
  ASSERT_TRUE(result) << result.error().message();
  ASSERT_EQ(cloud.attach_calls(), 4);
  // One DescribeVolumes, then the four AttachVolume calls, all before the clock moved.
  for (size_t i = 1; i <= 4; ++i) {
    EXPECT_EQ(cloud.calls[i].what.rfind("attach", 0), 0u) << cloud.calls[i].what;
    EXPECT_EQ(cloud.calls[i].at_ms, 0);
  }
  // Four volumes take the time of one, not four.
  EXPECT_LT(clock.monotonic_ms(), 2 * cloud.attach_delay_ms);
  for (char slot : std::string("fghi")) EXPECT_EQ(link_of(std::string("sd") + slot).rfind("nvme", 0), 0u);
}

TEST_F(Attacher, ARealAttachFailureNamesTheEntryAndStops) {
  cloud.add("vol-0aaa000000000001", "data");
  cloud.attach_refusals.push_back({400, "InvalidParameterValue", "Value (/dev/sdf) for parameter device is invalid", "", ""});
  auto result = run({sdf()});
  ASSERT_FALSE(result);
  const std::string& m = result.error().message();
  EXPECT_NE(m.find("attach /dev/sdf (data): AttachVolume vol-0aaa000000000001: AttachVolume: InvalidParameterValue"), std::string::npos)
      << m;
  EXPECT_EQ(cloud.attach_calls(), 1);
}

TEST_F(Attacher, ThrottledDescribeIsRetriedWithinTheDeadline) {
  cloud.add("vol-0aaa000000000001", "data");
  for (int i = 0; i < 3; ++i) cloud.describe_failures.push_back({503, "RequestLimitExceeded", "Request limit exceeded.", "", ""});
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(cloud.attach_calls(), 1);
}

// The step's loop is the one retry layer: each pause after a throttled DescribeVolumes is drawn
// from [ceiling / 2, ceiling), the ceiling doubling from 10 s (twice the filtered Describe
// bucket's refill from empty) to the 60 s cap.
TEST_F(Attacher, PausesAfterThrottlingStartFromTheBucketsRefillWithEqualJitter) {
  cloud.add("vol-0aaa000000000001", "data");
  for (int i = 0; i < 8; ++i) cloud.describe_failures.push_back({503, "RequestLimitExceeded", "Request limit exceeded.", "", ""});
  std::vector<double> draws = {0.5, 0.0, 0.999, 0.25, 0.5, 0.999, 0.999, 0.1};
  size_t next = 0;
  random = [&] { return next < draws.size() ? draws[next++] : 0.5; };
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  std::vector<int64_t> pauses = cloud.pauses_between("describe");
  ASSERT_GE(pauses.size(), 8u);
  // ceilings 10, 20, 40, 60 (capped), 60, 60, 60, 60 s; half of each plus the drawn fraction of the other half.
  std::vector<int64_t> expected = {7500, 10000, 39980, 37500, 45000, 59970, 59970, 33000};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(pauses[i], expected[i]) << "pause " << i + 1;
  EXPECT_EQ(cloud.attach_calls(), 1);
}

// A failure that is not throttling (a 5xx, no answer) keeps the short start and the 30 s cap: a
// lone instance whose request met a hiccup asks again within a second.
TEST_F(Attacher, PausesAfterAFailureStartAtOneSecond) {
  cloud.add("vol-0aaa000000000001", "data");
  for (int i = 0; i < 7; ++i) cloud.describe_failures.push_back({503, "Unavailable", "The service is unavailable.", "", ""});
  random = [] { return 0.999; };
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  std::vector<int64_t> pauses = cloud.pauses_between("describe");
  ASSERT_GE(pauses.size(), 7u);
  std::vector<int64_t> expected = {999, 1998, 3996, 7992, 15984, 29970, 29970};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(pauses[i], expected[i]) << "pause " << i + 1;
}

TEST_F(Attacher, RetryPausesStayWithinTheirBoundsForAnyDraw) {
  EbsDeviceLocator devices(root_ + "/sys", root_ + "/dev");
  using Refusal = VolumeAttacher::Refusal;
  struct Kind {
    Refusal why;
    int64_t base, cap;
  };
  for (Kind kind : {Kind{Refusal::Failure, 1000, 30000}, Kind{Refusal::DescribeThrottled, 10000, 60000},
                    Kind{Refusal::AttachThrottled, 20000, 60000}}) {
    for (double r : {0.0, 1e-9, 0.3, 0.999999, 1.0, -1.0, 7.0}) {
      VolumeAttacher attacher(cloud, devices, clock, {kMe, kZone}, {}, [r] { return r; });
      for (int round = 1; round < 70; ++round) {
        int64_t ceiling = std::min<int64_t>(kind.base << std::min(round - 1, 20), kind.cap);
        int64_t pause = attacher.retry_pause_ms(round, kind.why);
        EXPECT_GE(pause, kind.why == Refusal::Failure ? 100 : ceiling / 2) << r << " " << round;
        EXPECT_LE(pause, ceiling) << r << " " << round;
      }
    }
  }
}

// A throttled AttachVolume is "wait and ask again", never a failure: asked again after a jittered
// pause, without a DescribeVolumes in between, until EC2 takes it. The ceilings start at 20 s,
// twice the time EC2's mutating bucket (50 tokens, 5 a second) takes to refill from empty.
TEST_F(Attacher, AThrottledAttachIsAskedAgainAfterAPauseNotFailed) {
  cloud.add("vol-0aaa000000000001", "data");
  for (int i = 0; i < 4; ++i) cloud.attach_refusals.push_back({503, "RequestLimitExceeded", "Request limit exceeded.", "", ""});
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ((*result)[0].volume_id, "vol-0aaa000000000001");
  EXPECT_EQ(cloud.attach_calls(), 5);
  ASSERT_GE(cloud.calls.size(), 6u);
  EXPECT_EQ(cloud.calls[0].what, "describe");
  std::vector<int64_t> expected = {15000, 30000, 45000, 45000};  // three quarters of 20, 40, 60, 60 s
  for (size_t i = 1; i <= 4; ++i) {
    EXPECT_EQ(cloud.calls[i + 1].what, "attach vol-0aaa000000000001 /dev/sdf") << i;
    EXPECT_EQ(cloud.calls[i + 1].at_ms - cloud.calls[i].at_ms, expected[i - 1]) << i;
  }
}

// The disk with the volume's serial is proof of the attachment: when it appears before EC2's
// answer says `attached`, the wait ends there, without another DescribeVolumes (one call fewer
// per instance, and a fleet's Describe bucket is the first to run dry).
TEST_F(Attacher, TheDiskAppearingEndsTheAttachingWaitWithoutAnotherDescribe) {
  cloud.add("vol-0aaa000000000001", "data");
  cloud.never_attached = true;
  cloud.plug_while_attaching_ms = 400;
  auto result = run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ((*result)[0].device.path, root_ + "/dev/nvme1n1");
  ASSERT_EQ(cloud.calls.size(), 2u);
  EXPECT_EQ(cloud.calls[0].what, "describe");
  EXPECT_EQ(cloud.calls[1].what, "attach vol-0aaa000000000001 /dev/sdf");
  EXPECT_LE(clock.monotonic_ms(), 600);
}

// When the repeated request meets something else than throttling (the volume went to someone
// else meanwhile), the entry looks again instead of failing on a stale look.
TEST_F(Attacher, AfterAThrottledAttachAVolumeTakenMeanwhileIsALostRace) {
  cloud.add("vol-0aaa000000000001", "data");
  cloud.attach_refusals.push_back({503, "RequestLimitExceeded", "Request limit exceeded.", "", ""});
  cloud.attach_refusals.push_back({400, "VolumeInUse", "vol-0aaa000000000001 is already attached to an instance", "", ""});
  cloud.add("vol-0bbb000000000002", "other");
  VolumeTimeouts t;
  t.available_ms = 20000;
  auto result = run({sdf()}, t);
  // The fake still shows the volume available, so the new look attaches it: no failure on the refusal.
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(cloud.attach_calls(), 3);
}

TEST_F(Attacher, DeniedDescribeFailsAtOnce) {
  cloud.add("vol-0aaa000000000001", "data");
  cloud.describe_failures.push_back({403, "UnauthorizedOperation", "You are not authorized to perform this operation.", "", ""});
  auto result = run({sdf()});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("UnauthorizedOperation"), std::string::npos) << result.error().message();
  EXPECT_EQ(clock.monotonic_ms(), 0);
}

TEST_F(Attacher, ADescribeThatNoRetryCanCureFailsAtOnce) {
  cloud.add("vol-0aaa000000000001", "data");
  AwsError tls;
  tls.message =
      "POST https://ec2.eu-central-1.amazonaws.com/: TLS with ec2.eu-central-1.amazonaws.com: certificate verification failed: unknown CA";
  tls.permanent = true;
  cloud.describe_failures.push_back(tls);
  auto result = run({sdf()});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("unknown CA"), std::string::npos) << result.error().message();
  EXPECT_EQ(clock.monotonic_ms(), 0);
  EXPECT_EQ(cloud.attach_calls(), 0);
}

// While EC2 cannot be asked (DNS timing out in the initramfs), each wait line and the final
// error say why; the reason used to be empty ("waiting for /dev/sdf (...): ; 14s of at most 1200s").
TEST_F(Attacher, WhileDescribeVolumesFailsTheWaitLinesSayTheLastError) {
  cloud.add("vol-0aaa000000000001", "data");
  AwsError dns;
  dns.message = "resolving ec2.eu-central-1.amazonaws.com: no answer from 169.254.169.253 in 5s";
  for (int i = 0; i < 100; ++i) cloud.describe_failures.push_back(dns);
  VolumeTimeouts timeouts;
  timeouts.available_ms = 70000;
  auto result = run({sdf()}, timeouts);
  ASSERT_FALSE(result);
  auto waiting = lines_with("volumes: waiting for /dev/sdf (Name=data, line 38): ");
  ASSERT_GE(waiting.size(), 2u);
  for (const auto& line : waiting) {
    EXPECT_NE(line.second.find("no answer from EC2 yet; the last DescribeVolumes failed: DescribeVolumes: resolving "
                               "ec2.eu-central-1.amazonaws.com: no answer from 169.254.169.253 in 5s; "),
              std::string::npos)
        << line.second;
  }
  EXPECT_NE(result.error().message().find("gave up waiting for an available volume after 70s: no answer from EC2 yet; the last "
                                          "DescribeVolumes failed: DescribeVolumes: resolving"),
            std::string::npos)
      << result.error().message();
}

TEST_F(Attacher, AnErrorAfterAnAnswerIsSaidBesideWhatTheAnswerShowed) {
  cloud.held_by("vol-0aaa000000000001", "data", "i-0old00000000000001", 200000);
  AwsError reset;
  reset.message = "connection reset by peer";
  VolumeTimeouts timeouts;
  timeouts.available_ms = 40000;
  clock.on_sleep = [&] {
    cloud.tick();
    if (clock.monotonic_ms() >= 10000 && cloud.describe_failures.empty() && lines_with("connection reset").empty()) {
      for (int i = 0; i < 100; ++i) cloud.describe_failures.push_back(reset);
    }
  };
  auto result = run({sdf()}, timeouts);
  ASSERT_FALSE(result);
  auto waiting = lines_with(
      "volumes: waiting for /dev/sdf (Name=data, line 38): vol-0aaa000000000001 is attached to "
      "i-0old00000000000001 (attached) (the last DescribeVolumes failed: DescribeVolumes: connection reset by peer)");
  EXPECT_FALSE(waiting.empty()) << (log.empty() ? "" : log.back().second);
}

TEST_F(Attacher, TheTimeBudgetEndsTheWaitAsDeferredNotAsAFailure) {
  cloud.held_by("vol-0aaa000000000001", "data", "i-0old00000000000001", 95000);
  cloud.add("vol-0bbb000000000002", "logs");
  VolumeTimeouts timeouts;
  timeouts.defer_at_ms = 20000;
  EbsDeviceLocator devices(root_ + "/sys", root_ + "/dev");
  VolumeAttacher attacher(cloud, devices, clock, {kMe, kZone}, timeouts);
  auto result = attacher.run({sdf(), {"/dev/sdg", "g", "logs", 39}});
  ASSERT_FALSE(result);
  EXPECT_TRUE(attacher.deferred());
  const std::string& m = result.error().message();
  EXPECT_NE(
      m.find("stopped waiting after 20s, the time budget: /dev/sdf (Name=data, line 38) for an available volume: "
             "vol-0aaa000000000001 is attached to i-0old00000000000001 (attached); left attached: /dev/sdg vol-0bbb000000000002 attached"),
      std::string::npos)
      << m;
  EXPECT_EQ(clock.monotonic_ms(), 20000);  // the budget's end is a wake-up of its own, not the next poll's
  EXPECT_EQ(cloud.attach_calls(), 1);      // the free volume was attached; the wait for the other stops
  auto waiting = lines_with("volumes: waiting for /dev/sdf");
  ASSERT_FALSE(waiting.empty());
  EXPECT_NE(waiting[0].second.find("then deferred to the real root in 20s"), std::string::npos) << waiting[0].second;
}

TEST_F(Attacher, WithinTheBudgetNothingIsDeferred) {
  cloud.add("vol-0aaa000000000001", "data");
  VolumeTimeouts timeouts;
  timeouts.defer_at_ms = 60000;
  EbsDeviceLocator devices(root_ + "/sys", root_ + "/dev");
  VolumeAttacher attacher(cloud, devices, clock, {kMe, kZone}, timeouts);
  auto result = attacher.run({sdf()});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_FALSE(attacher.deferred());
}

TEST_F(Attacher, ANameThatIsAnotherDeviceIsAnErrorAndLeftAlone) {
  cloud.add("vol-0aaa000000000001", "data");
  ASSERT_TRUE(write_file_atomic(root_ + "/dev/sdf", "someone else's disk"));
  auto result = run({sdf()});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("already exists"), std::string::npos) << result.error().message();
  EXPECT_EQ(*read_file(root_ + "/dev/sdf"), "someone else's disk");
}

}  // namespace
}  // namespace taupage
