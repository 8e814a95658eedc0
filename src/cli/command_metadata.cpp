// `taupage metadata`: the instance identity document and the instance profile's role name as
// JSON, read over IMDSv2.
#include "cli/args.h"
#include "cli/aws_runtime.h"
#include "cli/command.h"
#include "util/json.h"

namespace taupage {

int run_metadata(const Command&, const Args&) {
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

const Command& metadata_command() {
  static const Command command{"metadata",
                               "print the instance identity as JSON",
                               "taupage metadata\n"
                               "  Prints the instance identity document and the instance profile's role name as JSON, read\n"
                               "  over IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the address).\n"
                               "  Exit: 0 printed, 1 IMDS failed, 2 wrong usage.",
                               {},
                               {},
                               0,
                               run_metadata};
  return command;
}

}  // namespace taupage
