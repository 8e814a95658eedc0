// The command line as a user meets it: exit codes, messages, hostile input under a watchdog,
// and the shipped binary itself (static, stripped).
#include <elf.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

#include "support/process.h"
#include "util/files.h"
#include "util/json.h"

namespace taupage {
namespace {

std::string source_path(const std::string& relative) {
  const char* source = std::getenv("TAUPAGE_SOURCE_DIR");
  return std::string(source ? source : ".") + "/" + relative;
}

ProcessResult taupage(const std::vector<std::string>& args, const std::string& input = {}) {
  std::vector<std::string> argv = {taupage_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, input);
}

const char* kValid =
    "#taupage-ami-config\napplication_id: shop\napplication_version: '1'\nruntime: Docker\n"
    "source: r.example.org/a/shop:1\nports: {80: 8080}\nhealth_check_path: /health\n"
    "environment:\n  PASSWORD: aws:kms:c2VjcmV0LWNpcGhlcnRleHQ=\n";

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/taupage-cli-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { run_process({"/bin/rm", "-rf", path_}); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Cli, CheckReportsTheDocumentationExamplesTwoErrors) {
  auto r = taupage({"check", source_path("tests/data/doc-example.yaml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error at $.ports.\"8600\", line 14 col 9: unknown protocol \"upd\" (did you mean \"udp\"?)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("error at $.environment.MY_DB_PASSWORD, line 23 col 19"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("invalid: 2 errors"), std::string::npos) << r.out;
}

TEST(Cli, CheckAcceptsValidInputFromStandardInput) {
  auto r = taupage({"check", "-"}, kValid);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("valid"), std::string::npos);
  auto implicit = taupage({"check"}, kValid);
  EXPECT_EQ(implicit.exit_code, 0);
}

TEST(Cli, StrictTurnsUnknownKeysIntoErrors) {
  std::string text = std::string(kValid) + "helth_check_port: 80\n";
  EXPECT_EQ(taupage({"check", "-"}, text).exit_code, 0);
  auto strict = taupage({"check", "--strict", "-"}, text);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("did you mean \"health_check_port\"?"), std::string::npos) << strict.err;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(taupage({}).exit_code, 2);
  EXPECT_EQ(taupage({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(taupage({"check", "--bogus"}).exit_code, 2);
  EXPECT_EQ(taupage({"check", "a", "b"}).exit_code, 2);
  EXPECT_EQ(taupage({"boot", "--stage", "middle", "--config", "x"}).exit_code, 2);
  auto only = taupage({"boot", "--only", "nosuchstep", "--config", "x"});
  EXPECT_EQ(only.exit_code, 2);
  EXPECT_NE(only.err.find("unknown step \"nosuchstep\""), std::string::npos) << only.err;
}

TEST(Cli, EveryCommandHasHelp) {
  for (const char* command : {"check", "plan", "boot", "version"}) {
    auto r = taupage({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find(std::string("taupage ") + command), std::string::npos) << r.out;
  }
  auto top = taupage({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("check"), std::string::npos);
}

TEST(Cli, MissingFileIsAClearError) {
  auto r = taupage({"check", "/nonexistent/user-data"});
  EXPECT_EQ(r.exit_code, 2);  // the command line named it: a usage error
  EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;
}

TEST(Cli, HostileInputEndsWithExitOneQuickly) {
  std::mt19937 random(42);
  std::string garbage(1 << 20, '\0');
  for (char& c : garbage) c = static_cast<char>(random());
  std::string header_then_garbage = "#taupage-ami-config\n" + garbage.substr(0, 8000);
  std::string oversized = "#taupage-ami-config\n" + std::string(20000, '#');
  std::string deep = "#taupage-ami-config\na: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  auto bomb = read_file(source_path("tests/data/alias-bomb.yaml"));
  ASSERT_TRUE(bomb);
  std::string nul = std::string(kValid) + std::string("x: \0\n", 5);
  std::string bad_utf8 = std::string(kValid) + "y: \xc3\x28\n";
  struct Case {
    const char* name;
    std::string input;
  } cases[] = {{"binary garbage", garbage}, {"header then garbage", header_then_garbage},
               {"over 16 KiB", oversized},  {"deep nesting", deep},
               {"alias bomb", *bomb},       {"NUL byte", nul},
               {"invalid UTF-8", bad_utf8}, {"more than 1 MiB", std::string(3 << 20, 'a')}};
  for (const auto& c : cases) {
    auto r = taupage({"check", "-"}, c.input);
    EXPECT_FALSE(r.timed_out) << c.name;
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find("error"), std::string::npos) << c.name << ": " << r.err;
    std::printf("  %-20s exit %d in %.1f ms\n", c.name, r.exit_code, r.seconds * 1000);
  }
}

TEST(Cli, PlanMasksSecretsAndSpeaksJson) {
  auto text = taupage({"plan", "-"}, kValid);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find("c2VjcmV0"), std::string::npos) << text.out;
  auto json = taupage({"plan", "--json", "-"}, kValid);
  EXPECT_EQ(json.exit_code, 0) << json.err;
  auto parsed = parse_json(json.out);
  ASSERT_TRUE(parsed) << json.out;
  EXPECT_TRUE(parsed->get("steps").is_array());
  EXPECT_EQ(json.out.find("c2VjcmV0"), std::string::npos);
  EXPECT_EQ(taupage({"plan", source_path("tests/data/doc-example.yaml")}).exit_code, 1);
}

// Edges an adversarial run found: each was silent, blocked or exited 1 for a usage mistake.
TEST(Cli, CommandLineEdgesAreUsageErrorsThatSaySo) {
  TempDir dir;
  std::string config = dir.path() + "/user-data";
  ASSERT_TRUE(write_file_atomic(config, kValid));
  std::string state = dir.path() + "/state";
  auto boot = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"boot", "--config", config, "--state-dir", state, "--root", dir.path()};
    args.insert(args.end(), extra.begin(), extra.end());
    return taupage(args);
  };
  auto other_stage = boot({"--stage", "early", "--only", "ssh"});
  EXPECT_EQ(other_stage.exit_code, 2);
  EXPECT_NE(other_stage.err.find("--only ssh names no step of the early stage (its steps: firewall, volumes, raid, mounts)"),
            std::string::npos)
      << other_stage.err;
  auto empty_only = boot({"--only", ""});
  EXPECT_EQ(empty_only.exit_code, 2);
  EXPECT_NE(empty_only.err.find("--only needs one or more step names"), std::string::npos) << empty_only.err;
  // The time budget is the initramfs's, for the early stage alone, in whole seconds.
  auto defer_late = boot({"--stage", "late", "--defer-after", "20"});
  EXPECT_EQ(defer_late.exit_code, 2);
  EXPECT_NE(defer_late.err.find("--defer-after is for --stage early only"), std::string::npos) << defer_late.err;
  auto defer_zero = boot({"--stage", "early", "--defer-after", "0"});
  EXPECT_EQ(defer_zero.exit_code, 2);
  EXPECT_NE(defer_zero.err.find("--defer-after takes whole seconds, 1 to 86400, got \"0\""), std::string::npos) << defer_zero.err;
  auto twice = boot({"--stage", "early", "--stage", "late"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("--stage is given twice"), std::string::npos) << twice.err;
  EXPECT_FALSE(path_exists(state));

  auto missing = taupage({"boot", "--config", dir.path() + "/nope.yaml", "--state-dir", state, "--root", dir.path()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read user data from " + dir.path() + "/nope.yaml: No such file or directory"), std::string::npos)
      << missing.err;
  EXPECT_EQ(taupage({"check", dir.path() + "/nope.yaml"}).exit_code, 2);
  EXPECT_EQ(taupage({"plan", dir.path()}).exit_code, 2);
  auto decrypt = taupage({"decrypt", ""});
  EXPECT_EQ(decrypt.exit_code, 2);
  EXPECT_NE(decrypt.err.find("the value to decrypt is empty"), std::string::npos) << decrypt.err;
  EXPECT_EQ(taupage({"decrypt", "aws:kms:"}).exit_code, 2);

  // A FIFO with no writer used to block forever (the watchdog of run_process is 10 s).
  std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto from_fifo = taupage({"check", fifo});
  EXPECT_EQ(from_fifo.exit_code, 2) << from_fifo.err;
  EXPECT_NE(from_fifo.err.find("a FIFO without a writer"), std::string::npos) << from_fifo.err;

  // A path with an escape character is printed escaped, never raw to the terminal.
  auto escape = taupage({"check", dir.path() + "/x\x1b[31mred"});
  EXPECT_EQ(escape.exit_code, 2);
  EXPECT_EQ(escape.err.find('\x1b'), std::string::npos) << escape.err;
  EXPECT_NE(escape.err.find("x\\x1b[31mred"), std::string::npos) << escape.err;

  // Too large is invalid user data (1), not a usage error, and is said with the limit.
  auto large = taupage({"check", "-"}, std::string(kValid) + "# " + std::string(70 * 1024, 'x') + "\n");
  EXPECT_EQ(large.exit_code, 1);
  EXPECT_NE(large.err.find("EC2 user data is at most 16 KiB"), std::string::npos) << large.err;
}

TEST(Cli, UnusableRootOrStateFolderIsRefusedBeforeAnyStep) {
  TempDir dir;
  std::string config = dir.path() + "/user-data";
  ASSERT_TRUE(write_file_atomic(config, kValid));
  std::string file = dir.path() + "/a-file";
  ASSERT_TRUE(write_file_atomic(file, "x"));
  auto boot = [&](const std::string& root, const std::string& state) {
    return taupage({"boot", "--config", config, "--stage", "system", "--state-dir", state, "--root", root});
  };
  auto root_file = boot(file, dir.path() + "/state");
  EXPECT_EQ(root_file.exit_code, 2);
  EXPECT_NE(root_file.err.find("--root " + file + " is not a folder"), std::string::npos) << root_file.err;
  auto root_missing = boot(dir.path() + "/no-root", dir.path() + "/state");
  EXPECT_EQ(root_missing.exit_code, 2);
  EXPECT_FALSE(path_exists(dir.path() + "/no-root"));
  EXPECT_FALSE(path_exists(dir.path() + "/state"));
  for (const std::string& state : {file, std::string("/proc"), file + "/below"}) {
    std::string root = dir.path() + "/root";
    ASSERT_TRUE(make_dirs(root));
    auto r = boot(root, state);
    EXPECT_EQ(r.exit_code, 2) << state << ": " << r.err;
    EXPECT_NE(r.err.find("--state-dir " + state), std::string::npos) << r.err;
    EXPECT_FALSE(path_exists(root + "/etc")) << "the ssh step ran with state dir " << state;
  }
}

TEST(Cli, BootRefusesInvalidUserDataAndChangesNothingButTheFirewall) {
  TempDir dir;
  std::string state = dir.path() + "/state";
  std::string root = dir.path() + "/root";
  ASSERT_TRUE(make_dirs(root + "/etc/ssh"));
  ASSERT_TRUE(write_file_atomic(root + "/etc/ssh/sshd_config", "Port 2200\n"));
  // In a network namespace of its own: the early stage closes the firewall to sshd's port even
  // though the user data is unusable, and that firewall is read back before the namespace goes.
  // string-false.yaml has no notify_cfn: with one, boot would first try to tell CloudFormation.
  std::string boot =
      taupage_bin() + " boot --config " + source_path("tests/data/string-false.yaml") + " --state-dir " + state + " --root " + root;
  auto r = run_process({"/usr/bin/unshare", "-n", "/bin/sh", "-c", boot + "; rc=$?; /usr/sbin/nft list table inet taupage >&2; exit $rc"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nothing was changed on this machine but the firewall, closed to sshd's port"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("only sshd's port 2200 open (from " + root + "/etc/ssh/sshd_config)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("policy drop;"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tcp dport 2200 accept"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("tcp dport 22 "), std::string::npos) << r.err;
  // A dry run says what it would close, and closes nothing.
  auto dry = run_process({"/usr/bin/unshare", "-n", "/bin/sh", "-c", boot + " --dry-run; rc=$?; /usr/sbin/nft list tables >&2; exit $rc"});
  EXPECT_EQ(dry.exit_code, 1);
  EXPECT_NE(dry.err.find("firewall   would: table inet taupage, 18 rules, policy drop: only sshd's port 2200 open"), std::string::npos)
      << dry.err;
  EXPECT_EQ(dry.err.find("but the firewall"), std::string::npos) << dry.err;
  EXPECT_EQ(dry.err.find("table inet taupage\n"), std::string::npos) << dry.err;
  // Nothing under the root; the refusal is the early stage's report, like a failed step.
  EXPECT_EQ(run_process({"/bin/ls", "-A", dir.path()}).out, "root\nstate\n");
  EXPECT_EQ(run_process({"/bin/ls", "-A", root}).out, "etc\n");
  EXPECT_EQ(run_process({"/bin/ls", "-A", state}).out, "report-early.json\n");
  auto report = parse_json(*read_file(state + "/report-early.json"));
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->get("ok").as_bool());
  EXPECT_EQ(report->get_string("failed_step"), "(user data)");
  EXPECT_NE(report->get_string("reason").find("the user data is invalid (2 errors, the first: error at $.root"), std::string::npos)
      << report->get_string("reason");
  ASSERT_EQ(report->get("steps").size(), 1u);
  EXPECT_EQ(report->get("steps")[0].get_string("step"), "firewall");
  EXPECT_EQ(report->get("steps")[0].get_string("outcome"), "created");
  // The later stages of this boot do not run after it.
  std::string valid = dir.path() + "/valid.yaml";
  ASSERT_TRUE(write_file_atomic(valid, kValid));
  auto late = taupage({"boot", "--config", valid, "--stage", "late", "--state-dir", state, "--root", dir.path()});
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_NE(late.err.find("the early stage failed in this boot, at (user data): the user data is invalid"), std::string::npos) << late.err;
}

TEST(Cli, BootDryRunWritesNoReport) {
  TempDir dir;
  std::string config = dir.path() + "/user-data";
  ASSERT_TRUE(write_file_atomic(config, kValid));
  std::string state = dir.path() + "/state";
  auto r = taupage({"boot", "--dry-run", "--config", config, "--state-dir", state, "--root", dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("dry run"), std::string::npos) << r.err;
  EXPECT_FALSE(path_exists(state));
  EXPECT_EQ(r.err.find("c2VjcmV0"), std::string::npos);
}

TEST(Cli, TaupageDebugAddsTheDebugLines) {
  std::vector<std::string> argv = {taupage_bin(), "decrypt", "aws:kms:AQID"};
  std::vector<std::string> env = {"AWS_ENDPOINT_URL_KMS=https://127.0.0.1:9", "AWS_REGION=eu-west-1", "AWS_ACCESS_KEY_ID=a",
                                  "AWS_SECRET_ACCESS_KEY=b", "AWS_MAX_ATTEMPTS=2"};
  auto quiet = run_process(argv, {}, 20000, env);
  EXPECT_EQ(quiet.exit_code, 1);
  EXPECT_EQ(quiet.err.find("retry 1 of 1"), std::string::npos) << quiet.err;
  env.push_back("TAUPAGE_DEBUG=1");
  auto debug = run_process(argv, {}, 20000, env);
  EXPECT_EQ(debug.exit_code, 1);
  EXPECT_NE(debug.err.find("Connection refused; retry 1 of 1"), std::string::npos) << debug.err;
}

TEST(Cli, VersionJsonNamesThePinnedDependencies) {
  auto r = taupage({"version", "--json"});
  ASSERT_EQ(r.exit_code, 0);
  auto json = parse_json(r.out);
  ASSERT_TRUE(json) << r.out;
  std::string names;
  for (const auto& d : json->get("dependencies").items()) {
    names += d.get_string("name") + "=" + d.get_string("version") + " ";
    EXPECT_EQ(d.get_string("sha256").size(), 64u);
    EXPECT_EQ(d.get_string("linked"), d.get_string("version"));
  }
  EXPECT_NE(names.find("mbedtls=3.6.6"), std::string::npos) << names;
  EXPECT_NE(names.find("libyaml=0.2.5"), std::string::npos) << names;
  EXPECT_EQ(json->get("runtime")[0].get_string("name"), "glibc");
}

TEST(Cli, TheShippedBinaryIsStaticAndStripped) {
  auto content = read_file(taupage_bin(), 64 * 1024 * 1024);
  ASSERT_TRUE(content);
  ASSERT_GE(content->size(), sizeof(Elf64_Ehdr));
  const auto* header = reinterpret_cast<const Elf64_Ehdr*>(content->data());
  ASSERT_EQ(std::string(reinterpret_cast<const char*>(header->e_ident), 4),
            "\x7f"
            "ELF");
  EXPECT_EQ(header->e_machine, EM_X86_64);
  bool interpreter = false, dynamic = false;
  for (int i = 0; i < header->e_phnum; ++i) {
    const auto* ph = reinterpret_cast<const Elf64_Phdr*>(content->data() + header->e_phoff + i * header->e_phentsize);
    interpreter = interpreter || ph->p_type == PT_INTERP;
    dynamic = dynamic || ph->p_type == PT_DYNAMIC;
  }
  EXPECT_FALSE(interpreter) << "build/taupage asks for a dynamic loader";
  EXPECT_FALSE(dynamic);
  bool symbols = false;
  for (int i = 0; i < header->e_shnum; ++i) {
    const auto* sh = reinterpret_cast<const Elf64_Shdr*>(content->data() + header->e_shoff + i * header->e_shentsize);
    symbols = symbols || sh->sh_type == SHT_SYMTAB;
  }
  EXPECT_FALSE(symbols) << "build/taupage is not stripped";
  std::printf("  build/taupage: %zu bytes\n", content->size());
}

}  // namespace
}  // namespace taupage
