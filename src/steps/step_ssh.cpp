#include "steps/step_ssh.h"

#include <sys/stat.h>

#include "host/sshd_config.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

std::string under_root(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  return (root.back() == '/' ? root.substr(0, root.size() - 1) : root) + path;
}

std::string port_list(const std::vector<uint16_t>& ports) {
  std::vector<std::string> parts;
  for (uint16_t p : ports) parts.push_back(strfmt("%u", p));
  return join(parts, ", ");
}

class SshStep : public Step {
 public:
  std::string_view name() const override { return "ssh"; }
  Stage stage() const override { return Stage::System; }

  std::vector<PlanAction> describe(const Config& config) const override {
    return {{strfmt("sshd on port%s %s (%s; other Port lines in %s commented out)", config.ssh_ports.size() == 1 ? "" : "s",
                    port_list(config.ssh_ports).c_str(), kSshdDropInPath, kSshdMainPath),
             config.line_of("ssh_ports")}};
  }

  Outcome run(Context& context) override {
    const auto& ports = context.config.ssh_ports;
    std::string drop_in_path = under_root(context.settings.root, kSshdDropInPath);
    std::string main_path = under_root(context.settings.root, kSshdMainPath);
    std::string wanted = sshd_drop_in(ports);

    bool drop_in_existed = path_exists(drop_in_path);
    bool drop_in_changed = true;
    if (drop_in_existed) {
      auto current = read_file(drop_in_path);
      if (!current) return Outcome::failed(current.error().message());
      drop_in_changed = *current != wanted;
    }
    if (drop_in_changed) {
      if (auto made = make_dirs(under_root(context.settings.root, kSshdDropInFolder)); !made)
        return Outcome::failed(made.error().message());
      if (auto written = write_file_atomic(drop_in_path, wanted, 0644); !written) return Outcome::failed(written.error().message());
      Log::info(strfmt("ssh: wrote %s (Port %s)", drop_in_path.c_str(), port_list(ports).c_str()));
    }

    bool main_changed = false;
    if (!path_exists(main_path)) {
      Log::warn(strfmt("ssh: %s does not exist; sshd reads the drop-in only if its main file includes it", main_path.c_str()));
    } else {
      auto text = read_file(main_path);
      if (!text) return Outcome::failed(text.error().message());
      SshdMainEdit edit = edit_sshd_main_config(*text, ports);
      if (edit.changed()) {
        struct stat st {};
        mode_t mode = ::stat(main_path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
        if (auto written = write_file_atomic(main_path, edit.text, mode); !written) return Outcome::failed(written.error().message());
        for (const auto& note : edit.notes) Log::info("ssh: " + note);
        main_changed = true;
      }
    }

    std::string detail = strfmt("sshd on port%s %s", ports.size() == 1 ? "" : "s", port_list(ports).c_str());
    if (!drop_in_existed) return Outcome::created(detail + " (" + std::string(kSshdDropInPath) + ")");
    if (drop_in_changed || main_changed) return Outcome::changed(detail);
    return Outcome::kept(detail);
  }
};

}  // namespace

std::unique_ptr<Step> make_ssh_step() { return std::make_unique<SshStep>(); }

}  // namespace taupage
