#include "steps/step_shutdown.h"

#include <signal.h>

#include <cerrno>

#include "docker/docker_api.h"
#include "steps/container_spec.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

// One wait request lasts at most this long; a job that runs longer is simply waited for again.
constexpr int kWaitSliceMs = 60 * 60 * 1000;
constexpr int kQuickErrorsAllowed = 5;

class ShutdownStep : public Step {
 public:
  explicit ShutdownStep(PowerOff power_off) : power_off_(std::move(power_off)) {}

  std::string_view name() const override { return "shutdown"; }
  Stage stage() const override { return Stage::Late; }

  std::vector<PlanAction> describe(const Config& config) const override {
    if (config.shutdown == ShutdownWhen::Never) return {};
    std::string when = config.shutdown == ShutdownWhen::OnExit ? "whatever its exit code" : "if it exits with code 0";
    return {{strfmt("wait until container %s has stopped for good (restarts by its policy included), then power off %s "
                    "(shutdown: %s)",
                    kContainerName, when.c_str(), shutdown_name(config.shutdown)),
             config.line_of("shutdown")}};
  }

  Outcome run(Context& context) override {
    const Config& config = context.config;
    if (config.shutdown == ShutdownWhen::Never) return Outcome::skipped("shutdown: never");
    if (!context.services.docker) return Outcome::failed("no Docker client in this run");
    Log::info(strfmt("shutdown   waiting for container %s to stop (shutdown: %s)", kContainerName, shutdown_name(config.shutdown)));
    int quick_errors = 0;
    int exit_code = 0;
    while (true) {
      auto container = context.services.docker->inspect_container(kContainerName);
      if (!container) return Outcome::failed(container.error().message() + "; the machine stays up");
      if (!*container)
        return Outcome::failed(std::string("there is no container ") + kContainerName + " to wait for; the machine stays up");
      // A container Docker is about to restart counts as running: the job is not over.
      if (!(*container)->running) {
        exit_code = (*container)->exit_code;
        break;
      }
      int64_t start = context.clock.monotonic_ms();
      auto waited = context.services.docker->wait_container((*container)->id, kWaitSliceMs);
      if (!waited && context.clock.monotonic_ms() - start < kWaitSliceMs / 2) {
        if (++quick_errors >= kQuickErrorsAllowed) {
          return Outcome::failed(Error(waited.error()).wrap("waiting for " + std::string(kContainerName)).message() +
                                 "; the machine stays up");
        }
        context.clock.sleep_ms(2000);
      } else {
        quick_errors = 0;
      }
    }
    if (config.shutdown == ShutdownWhen::OnSuccess && exit_code != 0) {
      return Outcome::kept(strfmt("%s exited with code %d; shutdown: on-success, so the machine stays up", kContainerName, exit_code));
    }
    Log::info(strfmt("shutdown   %s exited with code %d; powering off (shutdown: %s)", kContainerName, exit_code,
                     shutdown_name(config.shutdown)));
    if (auto off = power_off_(context.settings.root); !off) {
      return Outcome::failed(Error(off.error()).wrap(strfmt("%s exited with code %d; power off", kContainerName, exit_code)).message());
    }
    return Outcome::changed(
        strfmt("%s exited with code %d; power-off requested (shutdown: %s)", kContainerName, exit_code, shutdown_name(config.shutdown)));
  }

 private:
  PowerOff power_off_;
};

}  // namespace

Status request_power_off(const std::string& root) {
  std::string marker = host_path(root, "/run/systemd/system");
  if (!path_exists(marker)) return Error(marker + " is missing: the init system is not systemd, and Taupage asks only systemd");
  // systemd stops this unit on its way down; the stage's report is saved first, and a SIGTERM
  // arriving meanwhile would turn a finished job into a failed unit.
  ::signal(SIGTERM, SIG_IGN);
  if (::kill(1, SIGRTMIN + 4) != 0) return Error("signal PID 1: " + errno_text(errno));
  return Status::Ok();
}

std::unique_ptr<Step> make_shutdown_step(PowerOff power_off) { return std::make_unique<ShutdownStep>(std::move(power_off)); }

}  // namespace taupage
