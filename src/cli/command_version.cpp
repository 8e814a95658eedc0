#include <gnu/libc-version.h>
#include <mbedtls/version.h>
#include <yaml.h>

#include "cli/args.h"
#include "cli/command.h"
#include "taupage_versions.h"
#include "util/json.h"
#include "util/strings.h"

namespace taupage {

int run_version(const Command&, const Args& args) {
  if (!args.flag("json")) {
    out(std::string("taupage ") + TAUPAGE_VERSION + "\n");
    return kExitOk;
  }
  Json deps = Json::array();
  for (const auto& pinned : kPinnedDependencies) {
    Json d = Json::object();
    d.set("name", pinned.name);
    d.set("version", pinned.version);
    d.set("source", pinned.tarball);
    d.set("sha256", pinned.sha256);
    // What the linked code itself reports, as a cross-check of the pin.
    if (std::string(pinned.name) == "mbedtls") {
      char linked[18] = {};
      mbedtls_version_get_string(linked);
      d.set("linked", linked);
    } else if (std::string(pinned.name) == "libyaml") {
      d.set("linked", yaml_get_version_string());
    }
    deps.push(std::move(d));
  }
  Json system = Json::array();
  Json glibc = Json::object();
  glibc.set("name", "glibc");
  glibc.set("version", gnu_get_libc_version());
  glibc.set("linked", "static");
  system.push(std::move(glibc));
  Json libstdcxx = Json::object();
  libstdcxx.set("name", "libstdc++");
  libstdcxx.set("version", strfmt("%d (%d)", _GLIBCXX_RELEASE, __GLIBCXX__));
  libstdcxx.set("linked", "static");
  system.push(std::move(libstdcxx));
  Json result = Json::object();
  result.set("name", "taupage");
  result.set("version", TAUPAGE_VERSION);
  result.set("compiler", __VERSION__);
  result.set("dependencies", std::move(deps));
  result.set("runtime", std::move(system));
  out(result.dump(2) + "\n");
  return kExitOk;
}

const Command& version_command() {
  static const Command command{"version",
                               "print the version and the pinned dependencies",
                               "taupage version [--json]\n"
                               "  Prints the version; --json adds every compiled-in dependency with its pinned version\n"
                               "  and SHA-256, and the glibc and libstdc++ linked in.",
                               {},
                               {"json"},
                               0,
                               run_version};
  return command;
}

}  // namespace taupage
