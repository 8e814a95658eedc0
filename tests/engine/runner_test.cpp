#include "engine/runner.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "config/config_reader.h"
#include "engine/plan.h"
#include "support/manual_clock.h"
#include "util/files.h"
#include "util/log.h"

namespace taupage {
namespace {

// A step that records that it ran and returns a chosen outcome after a chosen time.
class RecordingStep : public Step {
 public:
  RecordingStep(std::string name, Stage stage, Outcome outcome, std::vector<std::string>* ran, int64_t ms = 10, bool deferrable = false)
      : name_(std::move(name)), stage_(stage), outcome_(std::move(outcome)), ran_(ran), ms_(ms), deferrable_(deferrable) {}
  std::string_view name() const override { return name_; }
  Stage stage() const override { return stage_; }
  std::vector<PlanAction> describe(const Config& config) const override { return {{"act for " + config.application_id, "line 2"}}; }
  Outcome run(Context& context) override {
    ran_->push_back(name_);
    static_cast<ManualClock&>(context.clock).advance_ms(ms_);
    return outcome_;
  }
  bool deferrable() const override { return deferrable_; }

 private:
  std::string name_;
  Stage stage_;
  Outcome outcome_;
  std::vector<std::string>* ran_;
  int64_t ms_;
  bool deferrable_;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/taupage-runner-XXXXXX";
    state_dir_ = mkdtemp(pattern);
    auto read = read_config("#taupage-ami-config\napplication_id: shop\napplication_version: '1'\nruntime: Docker\nsource: r.io/a/b:1\n");
    config_ = *read.config;
    Log::set_sink([this](LogLevel, const std::string& line) { log_ += line + "\n"; });
  }
  void TearDown() override {
    Log::set_sink(nullptr);
    std::string cmd = "rm -rf " + state_dir_;
    EXPECT_EQ(system(cmd.c_str()), 0);
  }

  StageReport run(StepList& steps, Stage stage, RunOptions options = {}) {
    Context context(config_, clock_);
    context.settings.state_dir = state_dir_;
    context.settings.defer_at_ms = defer_at_ms_;
    context.settings.defer_after_seconds = static_cast<double>(defer_at_ms_) / 1000.0;
    if (options.boot_id.empty()) options.boot_id = "boot-1";
    Runner runner(steps, context);
    runner.on_failure = [this](const StageReport& r) { failures_.push_back(r.failed_step); };
    return runner.run_stage(stage, options);
  }

  // The early and system stages of a boot, run and completed as the tool does, so that the late
  // stage finds their reports.
  void complete_earlier_stages(const std::string& boot_id = "boot-1") {
    std::vector<std::string> ran;
    StepList earlier;
    earlier.push_back(std::make_unique<RecordingStep>("firewall", Stage::Early, Outcome::created("table"), &ran));
    earlier.push_back(std::make_unique<RecordingStep>("ssh", Stage::System, Outcome::kept("port 22"), &ran));
    RunOptions options;
    options.boot_id = boot_id;
    ASSERT_TRUE(run(earlier, Stage::Early, options).ok);
    ASSERT_TRUE(run(earlier, Stage::System, options).ok);
  }

  std::string state_dir_;
  int64_t defer_at_ms_ = 0;
  Config config_;
  ManualClock clock_;
  std::string log_;
  std::vector<std::string> failures_;
  std::vector<std::string> ran_;
};

TEST_F(RunnerTest, RunsTheStagesStepsInOrderAndSavesTheReport) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("one", Stage::Early, Outcome::created("made"), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("late", Stage::Late, Outcome::kept("x"), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("two", Stage::Early, Outcome::kept("same"), &ran_, 250));
  StageReport report = run(steps, Stage::Early);
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(ran_, (std::vector<std::string>{"one", "two"}));
  ASSERT_EQ(report.steps.size(), 2u);
  EXPECT_EQ(report.steps[1].kind, OutcomeKind::Kept);
  EXPECT_DOUBLE_EQ(report.steps[1].seconds, 0.25);
  EXPECT_DOUBLE_EQ(report.seconds, 0.26);
  auto saved = load_report(Stage::Early, state_dir_, "boot-1");
  ASSERT_TRUE(saved && *saved);
  EXPECT_EQ((*saved)->steps.size(), 2u);
  EXPECT_EQ((*saved)->steps[0].detail, "made");
  EXPECT_EQ((*saved)->boot_id, "boot-1");
  EXPECT_NE(log_.find("one        created  made"), std::string::npos) << log_;
  EXPECT_TRUE(failures_.empty());
}

TEST_F(RunnerTest, AFailureStopsTheStageAndIsReported) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("one", Stage::Early, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("bad", Stage::Early, Outcome::failed("disk on fire"), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("three", Stage::Early, Outcome::created(""), &ran_));
  StageReport report = run(steps, Stage::Early);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failed_step, "bad");
  EXPECT_EQ(report.reason, "disk on fire");
  EXPECT_EQ(ran_, (std::vector<std::string>{"one", "bad"}));
  ASSERT_EQ(report.steps.size(), 3u);
  EXPECT_EQ(report.steps[2].kind, OutcomeKind::Skipped);
  EXPECT_NE(report.steps[2].detail.find("step bad failed"), std::string::npos);
  EXPECT_EQ(failures_, std::vector<std::string>{"bad"});
  auto json = parse_json(*read_file(state_dir_ + "/report-early.json"));
  ASSERT_TRUE(json);
  EXPECT_FALSE(json->get("ok").as_bool());
  EXPECT_EQ(json->get_string("failed_step"), "bad");
}

TEST_F(RunnerTest, OnlyRunsTheNamedSteps) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("one", Stage::Early, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("two", Stage::Early, Outcome::created(""), &ran_));
  RunOptions options;
  options.only = {"two"};
  StageReport report = run(steps, Stage::Early, options);
  EXPECT_EQ(ran_, std::vector<std::string>{"two"});
  ASSERT_EQ(report.steps.size(), 1u);
  EXPECT_TRUE(check_step_names({"two"}, steps));
  auto unknown = check_step_names({"tow"}, steps);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("unknown step \"tow\"; steps: one, two"), std::string::npos);
}

TEST_F(RunnerTest, DryRunTouchesNothingAndWritesNoReport) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("one", Stage::Early, Outcome::created(""), &ran_));
  RunOptions options;
  options.dry_run = true;
  run(steps, Stage::Early, options);
  EXPECT_TRUE(ran_.empty());
  EXPECT_FALSE(path_exists(state_dir_ + "/report-early.json"));
  EXPECT_NE(log_.find("would: act for shop"), std::string::npos) << log_;
}

TEST_F(RunnerTest, ALaterStageRefusesToRunAfterAFailedStageOfThisBoot) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("disk", Stage::Early, Outcome::failed("no disk"), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("app", Stage::Late, Outcome::created(""), &ran_));
  run(steps, Stage::Early);
  StageReport late = run(steps, Stage::Late);
  EXPECT_FALSE(late.ok);
  EXPECT_NE(late.reason.find("the early stage failed in this boot, at step disk: no disk;"), std::string::npos) << late.reason;
  EXPECT_EQ(ran_, std::vector<std::string>{"disk"});
  EXPECT_EQ(failures_.size(), 2u);  // the late stage's refusal is a failure CloudFormation hears of too
}

// sshd must come up on the configured ports so that an operator can look: the system stage runs
// after a failed early stage; the late stage still does not.
TEST_F(RunnerTest, TheSystemStageRunsAfterAFailedEarlyStage) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("disk", Stage::Early, Outcome::failed("no disk"), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("ssh", Stage::System, Outcome::created("ports 22, 2222"), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("app", Stage::Late, Outcome::created(""), &ran_));
  run(steps, Stage::Early);
  EXPECT_TRUE(run(steps, Stage::System).ok);
  EXPECT_FALSE(run(steps, Stage::Late).ok);
  EXPECT_EQ(ran_, (std::vector<std::string>{"disk", "ssh"}));
}

TEST_F(RunnerTest, ReportsOfAnEarlierBootDoNotCount) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("disk", Stage::Early, Outcome::failed("no disk"), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("app", Stage::Late, Outcome::created(""), &ran_));
  run(steps, Stage::Early);
  RunOptions next_boot;
  next_boot.boot_id = "boot-2";
  // Nor do its successes: boot-2 has no early report yet.
  complete_earlier_stages("boot-1");
  StageReport refused = run(steps, Stage::Late, next_boot);
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.reason.find("the early stage left no report of this boot"), std::string::npos) << refused.reason;
  complete_earlier_stages("boot-2");
  StageReport late = run(steps, Stage::Late, next_boot);
  EXPECT_TRUE(late.ok) << late.reason;
  EXPECT_EQ(ran_, (std::vector<std::string>{"disk", "app"}));
}

TEST_F(RunnerTest, TheReportIsRedactedAsTheConsoleAndReadableByRootOnly) {
  Log::add_redaction("hunter2-plaintext");
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>(
      "container", Stage::Late, Outcome::failed("create: daemon said: invalid env DB_PASSWORD=hunter2-plaintext"), &ran_));
  complete_earlier_stages();
  run(steps, Stage::Late);
  Log::clear_redactions();
  auto text = read_file(state_dir_ + "/report-late.json");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->find("hunter2"), std::string::npos) << *text;
  EXPECT_NE(text->find("DB_PASSWORD=****"), std::string::npos) << *text;
  struct stat st {};
  ASSERT_EQ(::stat((state_dir_ + "/report-late.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(RunnerTest, AReportThatCannotBeSavedFailsTheStage) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("one", Stage::Early, Outcome::created(""), &ran_));
  std::string file = state_dir_ + "/a-file";
  ASSERT_TRUE(write_file_atomic(file, "x"));
  Context context(config_, clock_);
  context.settings.state_dir = file;
  RunOptions options;
  options.boot_id = "boot-1";
  Runner runner(steps, context);
  int told = 0;
  runner.on_failure = [&](const StageReport&) { ++told; };
  StageReport report = runner.run_stage(Stage::Early, options);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failed_step, "(report)");
  EXPECT_NE(report.reason.find("the report was not saved"), std::string::npos) << report.reason;
  EXPECT_EQ(told, 1);
}

TEST_F(RunnerTest, AnUnreadableReportOfThisBootStopsTheNextStage) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("app", Stage::Late, Outcome::created(""), &ran_));
  ASSERT_TRUE(write_file_atomic(state_dir_ + "/report-early.json", "{\"stage\": \"early\", garbage"));
  StageReport late = run(steps, Stage::Late);
  EXPECT_FALSE(late.ok);
  EXPECT_TRUE(ran_.empty());
  EXPECT_NE(late.reason.find("report " + state_dir_ + "/report-early.json cannot be read"), std::string::npos) << late.reason;
  // Absent stops it too (fail closed), with its own reason.
  ASSERT_EQ(::unlink((state_dir_ + "/report-early.json").c_str()), 0);
  StageReport absent = run(steps, Stage::Late);
  EXPECT_FALSE(absent.ok);
  EXPECT_NE(absent.reason.find("the early stage left no report of this boot"), std::string::npos) << absent.reason;
  EXPECT_TRUE(ran_.empty());
}

// The case: `taupage boot --stage late --only notify` with an empty state folder ran and
// exited 0, so a boot whose early stage never ran (no initramfs hook, or killed before its
// report) started the container without its firewall and mounts.
TEST_F(RunnerTest, TheLateStageRefusesWithoutAnEarlyOrSystemReportOfThisBoot) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("firewall", Stage::Early, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("ssh", Stage::System, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("container", Stage::Late, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("notify", Stage::Late, Outcome::created(""), &ran_));
  RunOptions only_notify;
  only_notify.only = {"notify"};
  StageReport late = run(steps, Stage::Late, only_notify);
  EXPECT_FALSE(late.ok);
  EXPECT_TRUE(ran_.empty());
  EXPECT_EQ(late.failed_step, "(none)");
  EXPECT_NE(late.reason.find("the early stage left no report of this boot (" + state_dir_ + "/report-early.json)"), std::string::npos)
      << late.reason;
  EXPECT_NE(late.reason.find("lsinitramfs"), std::string::npos) << late.reason;
  EXPECT_NE(late.reason.find("taupage-early.service"), std::string::npos) << late.reason;
  EXPECT_EQ(failures_.size(), 1u);  // CloudFormation hears FAILURE: this instance will not come up

  // The early stage alone is not enough: the system stage has not reported either.
  run(steps, Stage::Early);
  late = run(steps, Stage::Late);
  EXPECT_FALSE(late.ok);
  EXPECT_NE(late.reason.find("the system stage left no report of this boot"), std::string::npos) << late.reason;
  EXPECT_NE(late.reason.find("taupage-system.service"), std::string::npos) << late.reason;
  EXPECT_EQ(ran_, std::vector<std::string>{"firewall"});

  run(steps, Stage::System);
  EXPECT_TRUE(run(steps, Stage::Late, only_notify).ok);
  EXPECT_EQ(ran_, (std::vector<std::string>{"firewall", "ssh", "notify"}));
}

TEST_F(RunnerTest, DryRunOfTheLateStageNeedsNoReport) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("container", Stage::Late, Outcome::created(""), &ran_));
  RunOptions options;
  options.dry_run = true;
  StageReport late = run(steps, Stage::Late, options);
  EXPECT_TRUE(late.ok) << late.reason;
  EXPECT_NE(log_.find("would: act for shop"), std::string::npos) << log_;
  EXPECT_TRUE(ran_.empty());
}

// An --only run never completes a stage by itself: what the stage's earlier runs of this boot left
// undone stays pending, and the late stage waits for it.
TEST_F(RunnerTest, AnOnlyRunLeavesWhatItDidNotRunPending) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("firewall", Stage::Early, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("raid", Stage::Early, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("mounts", Stage::Early, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("ssh", Stage::System, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("app", Stage::Late, Outcome::created(""), &ran_));
  run(steps, Stage::System);
  RunOptions only_firewall;
  only_firewall.only = {"firewall"};
  StageReport early = run(steps, Stage::Early, only_firewall);
  EXPECT_TRUE(early.ok);
  EXPECT_EQ(early.pending, (std::vector<std::string>{"raid", "mounts"}));
  StageReport late = run(steps, Stage::Late);
  EXPECT_FALSE(late.ok);
  EXPECT_NE(late.reason.find("the early stage has not completed in this boot: raid, mounts have not run (its last run: --only firewall); "
                             "run \"taupage boot --stage early\""),
            std::string::npos)
      << late.reason;
  RunOptions only_rest;
  only_rest.only = {"raid", "mounts"};
  EXPECT_TRUE(run(steps, Stage::Early, only_rest).complete());
  EXPECT_TRUE(run(steps, Stage::Late).ok);
  EXPECT_EQ(std::count(ran_.begin(), ran_.end(), "app"), 1);
}

// In the initramfs the early stage has a time budget: past it the steps that wait are deferred
// (not failed), the firewall stays, and the late stage waits until a run on the real root did them.
TEST_F(RunnerTest, TheTimeBudgetDefersTheStepsThatWaitNeverTheFirewall) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("firewall", Stage::Early, Outcome::created("table"), &ran_, 30000));
  steps.push_back(std::make_unique<RecordingStep>("volumes", Stage::Early, Outcome::created(""), &ran_, 10, true));
  steps.push_back(std::make_unique<RecordingStep>("raid", Stage::Early, Outcome::created(""), &ran_, 10, true));
  steps.push_back(std::make_unique<RecordingStep>("ssh", Stage::System, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("app", Stage::Late, Outcome::created(""), &ran_));
  defer_at_ms_ = 20000;  // spent while the firewall step ran: it finishes; nothing that waits starts
  StageReport early = run(steps, Stage::Early);
  EXPECT_TRUE(early.ok);
  EXPECT_TRUE(failures_.empty());
  EXPECT_EQ(ran_, std::vector<std::string>{"firewall"});
  ASSERT_EQ(early.steps.size(), 3u);
  EXPECT_EQ(early.steps[1].kind, OutcomeKind::Deferred);
  EXPECT_EQ(early.steps[1].detail, "not started: the stage's time budget of 20s is spent");
  EXPECT_EQ(early.steps[2].detail, "not started: deferred with step volumes");
  EXPECT_EQ(early.pending, (std::vector<std::string>{"volumes", "raid"}));
  EXPECT_NE(log_.find("early stage done in 30.0s except volumes, raid, deferred past its time budget"), std::string::npos) << log_;
  auto saved = load_report(Stage::Early, state_dir_, "boot-1");
  ASSERT_TRUE(saved && *saved);
  EXPECT_TRUE((*saved)->deferred());
  EXPECT_EQ((*saved)->pending, (std::vector<std::string>{"volumes", "raid"}));

  // A deferred stage that never completed: the late stage refuses and says where to look.
  run(steps, Stage::System);
  StageReport late = run(steps, Stage::Late);
  EXPECT_FALSE(late.ok);
  EXPECT_NE(late.reason.find("the early stage of this boot deferred volumes, raid past its time budget in the initramfs, and they have "
                             "not run since (taupage-deferred.service"),
            std::string::npos)
      << late.reason;

  // The run on the real root (no budget) completes it; then the late stage runs.
  defer_at_ms_ = 0;
  EXPECT_TRUE(run(steps, Stage::Early).complete());
  EXPECT_TRUE(run(steps, Stage::Late).ok);
  EXPECT_EQ(ran_, (std::vector<std::string>{"firewall", "ssh", "firewall", "volumes", "raid", "app"}));
}

TEST_F(RunnerTest, AStepWhoseWaitTheBudgetEndedDefersTheStepsAfterIt) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("firewall", Stage::Early, Outcome::created("table"), &ran_));
  steps.push_back(
      std::make_unique<RecordingStep>("volumes", Stage::Early, Outcome::deferred("stopped waiting after 20s"), &ran_, 20000, true));
  steps.push_back(std::make_unique<RecordingStep>("mounts", Stage::Early, Outcome::created(""), &ran_, 10, true));
  defer_at_ms_ = 20000;
  StageReport early = run(steps, Stage::Early);
  EXPECT_TRUE(early.ok);
  EXPECT_FALSE(early.complete());
  EXPECT_EQ(ran_, (std::vector<std::string>{"firewall", "volumes"}));
  EXPECT_EQ(early.steps[2].detail, "not started: deferred with step volumes");
  EXPECT_EQ(early.pending, (std::vector<std::string>{"volumes", "mounts"}));
  // Without a budget nothing is deferred, however long a step takes.
  defer_at_ms_ = 0;
  StepList slow;
  slow.push_back(std::make_unique<RecordingStep>("firewall", Stage::Early, Outcome::created("table"), &ran_, 600000));
  slow.push_back(std::make_unique<RecordingStep>("mounts", Stage::Early, Outcome::created(""), &ran_, 10, true));
  EXPECT_TRUE(run(slow, Stage::Early).complete());
}

TEST_F(RunnerTest, OnlyNeverClearsAFailureOfAStepItDidNotRunAgain) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("firewall", Stage::Early, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("raid", Stage::Early, Outcome::failed("members hold data"), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("app", Stage::Late, Outcome::created(""), &ran_));
  EXPECT_FALSE(run(steps, Stage::Early).ok);
  RunOptions only_firewall;
  only_firewall.only = {"firewall"};
  StageReport again = run(steps, Stage::Early, only_firewall);
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.failed_step, "raid");
  EXPECT_NE(again.reason.find("in an earlier run of this boot"), std::string::npos) << again.reason;
  EXPECT_FALSE(run(steps, Stage::Late).ok);
  EXPECT_EQ(std::count(ran_.begin(), ran_.end(), "app"), 0);

  // Running the failed step again, and seeing it succeed, clears it.
  StepList fixed;
  fixed.push_back(std::make_unique<RecordingStep>("raid", Stage::Early, Outcome::created("assembled"), &ran_));
  fixed.push_back(std::make_unique<RecordingStep>("app", Stage::Late, Outcome::created(""), &ran_));
  RunOptions only_raid;
  only_raid.only = {"raid"};
  EXPECT_TRUE(run(fixed, Stage::Early, only_raid).ok);
  auto saved = load_report(Stage::Early, state_dir_, "boot-1");
  ASSERT_TRUE(saved && *saved);
  EXPECT_EQ((*saved)->only, std::vector<std::string>{"raid"});
  EXPECT_TRUE((*saved)->pending.empty());
  run(fixed, Stage::System);  // a stage without steps here: complete
  EXPECT_TRUE(run(fixed, Stage::Late).ok);
}

TEST_F(RunnerTest, OnlyStepsOfAnotherStageIsAnError) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("raid", Stage::Early, Outcome::created(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("ssh", Stage::System, Outcome::created(""), &ran_));
  auto none = check_steps_in_stages({"ssh"}, steps, {Stage::Early});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(), "--only ssh names no step of the early stage (its steps: raid), so nothing would run");
  EXPECT_TRUE(check_steps_in_stages({"ssh"}, steps, {Stage::Early, Stage::System}));
  EXPECT_FALSE(runs_any_step(Stage::Early, {"ssh"}, steps));
  EXPECT_TRUE(runs_any_step(Stage::Early, {}, steps));
}

TEST_F(RunnerTest, BootIdIsReadFromTheKernelFile) {
  std::string path = state_dir_ + "/boot_id";
  ASSERT_TRUE(write_file_atomic(path, "1234-abcd\n"));
  EXPECT_EQ(read_boot_id(path), "1234-abcd");
  EXPECT_EQ(read_boot_id(state_dir_ + "/missing"), "unknown");
}

TEST_F(RunnerTest, PlanListsStepsByStageWithTheirSourceLines) {
  StepList steps;
  steps.push_back(std::make_unique<RecordingStep>("late", Stage::Late, Outcome::kept(""), &ran_));
  steps.push_back(std::make_unique<RecordingStep>("first", Stage::Early, Outcome::kept(""), &ran_));
  auto plan = make_plan(config_, steps, {Stage::Early, Stage::Late});
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].step, "first");
  EXPECT_EQ(render_plan_text(plan),
            "early   first      act for shop (line 2)\n"
            "late    late       act for shop (line 2)\n");
  Json json = render_plan_json(plan);
  EXPECT_EQ(json.get("steps")[1].get_string("stage"), "late");
  EXPECT_EQ(json.get("steps")[0].get("actions")[0].get_string("source"), "line 2");
  EXPECT_TRUE(ran_.empty());
}

}  // namespace
}  // namespace taupage
