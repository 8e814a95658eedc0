#include "docker/registry_auth.h"

#include <gtest/gtest.h>

#include "util/base64.h"
#include "util/json.h"

namespace taupage {
namespace {

Json decode(const Secret& header) {
  std::string text = header.reveal();
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  auto raw = base64_decode(text);
  EXPECT_TRUE(raw.has_value()) << header.reveal();
  auto json = parse_json(raw.value_or("{}"));
  return json ? *json : Json();
}

TEST(RegistryAuth, AuthFieldOfConfigJson) {
  // "user:p?ss>word" in base64 has + and / in standard base64 of the JSON: the header is base64url.
  std::string config = R"({"auths":{"https://pierone.example.org/v1/":{"auth":")" + base64_encode("user:p?ss>word") + R"("}}})";
  auto auth = registry_auth_from_config(config, "pierone.example.org", nullptr);
  ASSERT_TRUE(auth) << auth.error().message();
  EXPECT_EQ(auth->reveal().find_first_of("+/"), std::string::npos);
  Json j = decode(*auth);
  EXPECT_EQ(j.get_string("username"), "user");
  EXPECT_EQ(j.get_string("password"), "p?ss>word");
  EXPECT_EQ(j.get_string("serveraddress"), "pierone.example.org");
}

TEST(RegistryAuth, UsernamePasswordIdentityTokenAndPorts) {
  auto plain = registry_auth_from_config(R"({"auths":{"127.0.0.1:5000":{"username":"u","password":"p"}}})", "127.0.0.1:5000", nullptr);
  ASSERT_TRUE(plain);
  EXPECT_EQ(decode(*plain).get_string("username"), "u");
  auto token = registry_auth_from_config(R"({"auths":{"reg.example.org":{"identitytoken":"tok"}}})", "reg.example.org", nullptr);
  ASSERT_TRUE(token);
  EXPECT_EQ(decode(*token).get_string("identitytoken"), "tok");
}

TEST(RegistryAuth, DockerHubSpellings) {
  auto hub = registry_auth_from_config(R"({"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p"}}})", "", nullptr);
  ASSERT_TRUE(hub);
  EXPECT_EQ(decode(*hub).get_string("serveraddress"), "https://index.docker.io/v1/");
}

TEST(RegistryAuth, LegacyDockercfgWithoutAuths) {
  auto legacy = registry_auth_from_config(R"({"pierone.example.org":{"auth":")" + base64_encode("a:b") + R"(","email":"x"}})",
                                          "pierone.example.org", nullptr);
  ASSERT_TRUE(legacy);
  EXPECT_EQ(decode(*legacy).get_string("password"), "b");
}

TEST(RegistryAuth, OtherRegistryOrNothingGivesNoAuth) {
  auto none = registry_auth_from_config(R"({"auths":{"other.example.org":{"auth":"YTpi"}}})", "pierone.example.org", nullptr);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(RegistryAuth, CredentialHelpersAreNotRunButSaid) {
  std::vector<std::string> notes;
  auto none = registry_auth_from_config(R"({"credHelpers":{"123.dkr.ecr.eu-central-1.amazonaws.com":"ecr-login"}})",
                                        "123.dkr.ecr.eu-central-1.amazonaws.com", &notes);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("docker-credential-ecr-login"), std::string::npos);
}

TEST(RegistryAuth, BrokenFilesAreErrorsWithoutTheirContent) {
  auto broken = registry_auth_from_config(R"({"auths":{"r.example.org":{"auth":"not base64!"}}})", "r.example.org", nullptr);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("not base64"), std::string::npos);
  EXPECT_FALSE(registry_auth_from_config("[1,2]", "r", nullptr));
}

TEST(RegistryAuth, LoadFromDockerConfigDir) {
  char dir[] = "/tmp/dk-auth-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  std::string path = std::string(dir) + "/config.json";
  FILE* f = fopen(path.c_str(), "w");
  fputs(R"({"auths":{"127.0.0.1:5000":{"username":"u","password":"p"}}})", f);
  fclose(f);
  auto auth = load_registry_auth("127.0.0.1:5000", dir, nullptr);
  ASSERT_TRUE(auth);
  EXPECT_EQ(decode(*auth).get_string("password"), "p");
  auto none = load_registry_auth("127.0.0.1:5000", std::string(dir) + "/missing", nullptr);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace taupage
