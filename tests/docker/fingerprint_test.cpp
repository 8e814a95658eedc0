#include "docker/fingerprint.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

Json body(const std::string& env, int port) {
  Json b = Json::object();
  b.set("Image", "reg/app:1");
  Json e = Json::array();
  e.push(env);
  b.set("Env", e);
  Json labels = Json::object();
  labels.set("whatever", "x");
  b.set("Labels", labels);
  Json hc = Json::object();
  hc.set("PortBindings", port);
  hc.set("Privileged", false);
  b.set("HostConfig", hc);
  return b;
}

const std::string kKey = "00112233445566778899aabbccddeeff";

TEST(Fingerprint, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(keyed_hash_hex("Jefe", "what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Fingerprint, SameBodySameKeySameDigestAndLabelsDoNotCount) {
  Json a = body("A=1", 80), b = body("A=1", 80);
  b.set("Labels", Json::object());
  EXPECT_EQ(fingerprint_of(a, kKey).digest_hex, fingerprint_of(b, kKey).digest_hex);
  EXPECT_NE(fingerprint_of(a, kKey).digest_hex, fingerprint_of(a, "ff" + kKey.substr(2)).digest_hex);
}

TEST(Fingerprint, ChangedPartsAreNamed) {
  Fingerprint before = fingerprint_of(body("A=1", 80), kKey);
  Fingerprint env = fingerprint_of(body("A=2", 80), kKey);
  Fingerprint port = fingerprint_of(body("A=1", 81), kKey);
  EXPECT_NE(before.digest_hex, env.digest_hex);
  EXPECT_EQ(changed_parts(before, env), std::vector<std::string>{"Env"});
  EXPECT_EQ(changed_parts(before, port), std::vector<std::string>{"HostConfig.PortBindings"});
  EXPECT_TRUE(changed_parts(before, before).empty());
}

TEST(Fingerprint, LabelsRoundTrip) {
  Fingerprint f = fingerprint_of(body("A=1", 80), kKey);
  std::map<std::string, std::string> labels{{kFingerprintLabel, f.label()}, {kFingerprintPartsLabel, f.parts_label()}};
  auto back = Fingerprint::from_labels(labels);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->key_hex, kKey);
  EXPECT_EQ(back->digest_hex, f.digest_hex);
  EXPECT_EQ(back->parts, f.parts);
  EXPECT_EQ(f.label().rfind("v1:" + kKey + ":", 0), 0u);
}

TEST(Fingerprint, ForeignOrDamagedLabelsAreNoFingerprint) {
  EXPECT_FALSE(Fingerprint::from_labels({}));
  EXPECT_FALSE(Fingerprint::from_labels({{kFingerprintLabel, "v2:" + kKey + ":" + std::string(64, 'a')}}));
  EXPECT_FALSE(Fingerprint::from_labels({{kFingerprintLabel, "v1:short:" + std::string(64, 'a')}}));
  EXPECT_FALSE(Fingerprint::from_labels({{kFingerprintLabel, "v1:" + kKey + ":" + std::string(64, 'A')}}));
}

TEST(Fingerprint, RandomKeysDiffer) {
  std::string a = random_key_hex(), b = random_key_hex();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace taupage
