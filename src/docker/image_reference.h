/// A Docker image reference from `source`: registry (with optional port), repository path, tag
/// and/or sha256 digest, checked against the grammar Docker itself accepts.
#pragma once

#include <string>
#include <string_view>

namespace taupage {

struct ImageReference {
  std::string registry;    // "pierone.example.org", "127.0.0.1:5000"; empty for Docker Hub
  std::string repository;  // "myteam/nginx"
  std::string tag;         // "1.0"; may be empty when a digest is given
  std::string digest;      // "sha256:<64 hex>"; may be empty

  // The reference as Docker wants it in fromImage: registry/repository
  std::string name() const;
  // name:tag, name@digest or name:tag@digest
  std::string text() const;
};

// Parses `text`; on failure returns false and says why in `problem`.
bool parse_image_reference(std::string_view text, ImageReference* out, std::string* problem);

}  // namespace taupage
