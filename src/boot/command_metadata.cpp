// `taupage metadata`: the instance identity document and the instance profile's role name as
// JSON, read over IMDSv2.
#include "boot/args.h"
#include "boot/aws_runtime.h"
#include "boot/command.h"
#include "util/json.h"

namespace taupage {

int run_metadata(const std::vector<std::string>& argv) {
  const Command& self = command_named("metadata");
  auto args = Args::parse(argv, {}, {}, 0);
  if (!args) return usage_error(self, args.error().message());
  AwsRuntime aws;
  auto identity = aws.session.imds().identity();
  if (!identity) {
    err("taupage metadata: " + identity.error().message() + "\n");
    return kExitFailed;
  }
  auto role = aws.session.imds().role_name();
  if (!role) {
    err("taupage metadata: " + role.error().message() + "\n");
    return kExitFailed;
  }
  auto document = parse_json(identity->document);
  Json result = Json::object();
  result.set("identity", document ? *document : Json(identity->document));
  result.set("role", *role ? Json(**role) : Json(nullptr));
  out(result.dump(2) + "\n");
  return kExitOk;
}

}  // namespace taupage
