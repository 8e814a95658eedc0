#include "steps/step_volumes.h"

#include "aws/aws_session.h"
#include "aws/ec2_volume_api.h"
#include "steps/volume_attacher.h"
#include "storage/ebs_device.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

constexpr std::string_view kLocal = "${local_ipv4}";
constexpr std::string_view kPublic = "${public_ipv4}";

std::string replace_all(std::string text, std::string_view what, const std::string& with) {
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + with.size()))
    text.replace(pos, what.size(), with);
  return text;
}

class VolumesStep : public Step {
 public:
  std::string_view name() const override { return "volumes"; }
  bool deferrable() const override { return true; }
  Stage stage() const override { return Stage::Early; }

  std::vector<PlanAction> describe(const Config& config) const override {
    std::vector<PlanAction> actions;
    for (const auto& v : config.ebs) {
      actions.push_back({strfmt("attach %s <- Name=%s", v.device.c_str(), v.name_tag.c_str()), strfmt("line %d", v.mark.line)});
    }
    return actions;
  }

  Outcome run(Context& context) override {
    const Config& config = context.config;
    if (config.ebs.empty()) return Outcome::skipped("no volumes.ebs in the config");
    if (context.services.aws == nullptr) return Outcome::failed("no AWS access in this run; no volume was attached");
    Imds& imds = context.services.aws->imds();
    auto identity = imds.identity();
    if (!identity) return Outcome::failed("instance identity: " + identity.error().message() + "; no volume was attached");

    std::optional<std::string> local_ipv4, public_ipv4;
    bool public_known = false;
    std::vector<VolumeRequest> requests;
    for (const auto& v : config.ebs) {
      if (v.name_tag.find(kLocal) != std::string::npos && !local_ipv4) {
        auto got = imds.get("/latest/meta-data/local-ipv4");
        if (!got)
          return Outcome::failed(
              strfmt("%s (line %d): local-ipv4: %s; no volume was attached", v.device.c_str(), v.mark.line, got.error().message().c_str()));
        local_ipv4 = std::string(trim(*got));
      }
      if (v.name_tag.find(kPublic) != std::string::npos && !public_known) {
        auto got = imds.get_optional("/latest/meta-data/public-ipv4");
        if (!got)
          return Outcome::failed(strfmt("%s (line %d): public-ipv4: %s; no volume was attached", v.device.c_str(), v.mark.line,
                                        got.error().message().c_str()));
        if (*got) public_ipv4 = std::string(trim(**got));
        public_known = true;
      }
      auto name = substitute_instance_values(v.name_tag, local_ipv4.value_or(""), public_ipv4);
      if (!name)
        return Outcome::failed(
            strfmt("%s (line %d): %s; no volume was attached", v.device.c_str(), v.mark.line, name.error().message().c_str()));
      requests.push_back({v.device, v.slot, *name, v.mark.line});
    }

    auto service = context.services.aws->service("ec2");
    if (!service) return Outcome::failed("EC2: " + service.error().message() + "; no volume was attached");
    // A client of its own whose throttling answers come straight back: the attacher's loop is
    // the one retry layer, so that a throttled fleet does not multiply its calls (docs/fleet.md).
    AwsService ec2((*service)->deps(), (*service)->service(), (*service)->region());
    // The naive comparison client (scripts/fleet.sh only) keeps its fixed inner retries.
    ec2.leave_throttling_to_caller(!(*service)->deps().policy.naive);
    Ec2VolumeApi api(ec2);
    EbsDeviceLocator devices(context.settings.sysfs_root, context.settings.dev_dir);
    VolumeTimeouts timeouts;
    timeouts.available_ms = static_cast<int64_t>(context.settings.volume_timeout_seconds * 1000);
    timeouts.device_ms = static_cast<int64_t>(context.settings.volume_device_wait_seconds * 1000);
    timeouts.defer_at_ms = context.settings.defer_at_ms;
    VolumeAttacher attacher(api, devices, context.clock, {identity->instance_id, identity->availability_zone}, timeouts);
    auto attached = attacher.run(requests);
    if (!attached && attacher.deferred()) {
      Log::warn(strfmt("volumes: the early stage's time budget of %.0fs is spent; the wait goes on on the real root",
                       context.settings.defer_after_seconds));
      return Outcome::deferred(attached.error().message());
    }
    if (!attached) return Outcome::failed(attached.error().message());

    std::vector<std::string> parts;
    bool any_new = false;
    for (const auto& a : *attached) {
      any_new = any_new || !a.kept;
      parts.push_back(strfmt("%s %s -> %s%s", a.request.device.c_str(), a.volume_id.c_str(), a.device.path.c_str(),
                             a.kept ? " (kept)" : " (attached)"));
    }
    std::string detail = join(parts, "; ");
    return any_new ? Outcome::created(detail) : Outcome::kept(detail);
  }
};

}  // namespace

Result<std::string> substitute_instance_values(const std::string& name, const std::string& local_ipv4,
                                               const std::optional<std::string>& public_ipv4) {
  std::string out = name;
  if (out.find(kLocal) != std::string::npos) {
    if (local_ipv4.empty()) return Error("the Name " + quote(name) + " uses ${local_ipv4}, but the instance metadata has no local-ipv4");
    out = replace_all(out, kLocal, local_ipv4);
  }
  if (out.find(kPublic) != std::string::npos) {
    if (!public_ipv4 || public_ipv4->empty())
      return Error("the Name " + quote(name) + " uses ${public_ipv4}, but this instance has no public IPv4 address");
    out = replace_all(out, kPublic, *public_ipv4);
  }
  return out;
}

std::unique_ptr<Step> make_volumes_step() { return std::make_unique<VolumesStep>(); }

}  // namespace taupage
