#include "docker/fingerprint.h"

#include <mbedtls/md.h>
#include <sys/random.h>

#include <set>

#include "util/strings.h"

namespace taupage {

namespace {

std::string hex(const unsigned char* bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

bool is_hex(std::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string keyed_hash_hex(std::string_view key, std::string_view data) {
  unsigned char out[32];
  mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return hex(out, sizeof out);
}

std::string random_key_hex() {
  unsigned char key[16];
  size_t got = 0;
  while (got < sizeof key) {
    ssize_t n = getrandom(key + got, sizeof key - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  return hex(key, sizeof key);
}

Fingerprint fingerprint_of(const Json& body, const std::string& key_hex) {
  Fingerprint f;
  f.key_hex = key_hex;
  Json without_labels = Json::object();
  auto part = [&](const std::string& name, const Json& value) {
    f.parts[name] = keyed_hash_hex(key_hex, name + "=" + value.dump()).substr(0, 8);
  };
  for (const auto& [name, value] : body.members()) {
    if (name == "Labels") continue;
    without_labels.set(name, value);
    if (name == "HostConfig") {
      for (const auto& [hc_name, hc_value] : value.members()) part("HostConfig." + hc_name, hc_value);
    } else {
      part(name, value);
    }
  }
  f.digest_hex = keyed_hash_hex(key_hex, without_labels.dump());
  return f;
}

std::string Fingerprint::label() const { return "v1:" + key_hex + ":" + digest_hex; }

std::string Fingerprint::parts_label() const {
  std::vector<std::string> items;
  for (const auto& [name, digest] : parts) items.push_back(name + "=" + digest);
  return join(items, ",");
}

std::optional<Fingerprint> Fingerprint::from_labels(const std::map<std::string, std::string>& labels) {
  auto it = labels.find(kFingerprintLabel);
  if (it == labels.end()) return std::nullopt;
  auto fields = split(it->second, ':');
  if (fields.size() != 3 || fields[0] != "v1" || !is_hex(fields[1], 32) || !is_hex(fields[2], 64)) return std::nullopt;
  Fingerprint f;
  f.key_hex = fields[1];
  f.digest_hex = fields[2];
  if (auto parts = labels.find(kFingerprintPartsLabel); parts != labels.end()) {
    for (const auto& item : split(parts->second, ',')) {
      auto eq = item.find('=');
      if (eq != std::string::npos) f.parts[item.substr(0, eq)] = item.substr(eq + 1);
    }
  }
  return f;
}

std::vector<std::string> changed_parts(const Fingerprint& before, const Fingerprint& now) {
  std::set<std::string> names;
  for (const auto& [name, digest] : before.parts) names.insert(name);
  for (const auto& [name, digest] : now.parts) names.insert(name);
  std::vector<std::string> changed;
  for (const auto& name : names) {
    auto a = before.parts.find(name), b = now.parts.find(name);
    if (a == before.parts.end() || b == now.parts.end() || a->second != b->second) changed.push_back(name);
  }
  return changed;
}

}  // namespace taupage
