/// The fingerprint of the desired container: a keyed hash (HMAC-SHA-256) of its create request,
/// stored as a label, so that the next boot can tell an unchanged container from one whose
/// user data changed. Secrets enter it only as keyed hashes, under a random key kept in the
/// label beside the digest; a short digest per part lets the report say what changed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"

namespace taupage {

inline constexpr const char* kFingerprintLabel = "taupage.fingerprint";
inline constexpr const char* kFingerprintPartsLabel = "taupage.fingerprint.parts";

struct Fingerprint {
  std::string key_hex;                       // the random HMAC key (16 bytes)
  std::string digest_hex;                    // HMAC of the whole request
  std::map<std::string, std::string> parts;  // "Env" -> 8 hex digits, "HostConfig.PortBindings" -> ...

  std::string label() const;        // "v1:<key>:<digest>"
  std::string parts_label() const;  // "Env=1a2b3c4d,Image=...": sorted by part
  // Reads the labels back; nullopt when absent or not made by this version.
  static std::optional<Fingerprint> from_labels(const std::map<std::string, std::string>& labels);
};

// HMAC-SHA-256 of `data` under `key`, in lower-case hex.
std::string keyed_hash_hex(std::string_view key, std::string_view data);

// A fresh random key (16 bytes, hex), from the kernel's random source.
std::string random_key_hex();

// The fingerprint of a create body whose secret values were already replaced by keyed hashes.
// Labels are not part of it (the fingerprint is one of them).
Fingerprint fingerprint_of(const Json& body, const std::string& key_hex);

// The parts whose digests differ ("Env", "HostConfig.PortBindings"); all of them when the
// older fingerprint has none.
std::vector<std::string> changed_parts(const Fingerprint& before, const Fingerprint& now);

}  // namespace taupage
