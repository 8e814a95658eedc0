/// The folder of the application's credentials (<root>/meta/credentials): each file replaced
/// atomically and only when its content changed, readable by the application user and by no
/// other unprivileged user. The contents are secrets: no message here ever quotes them.
#pragma once

#include <sys/types.h>

#include <string>

#include "util/result.h"
#include "util/secret.h"

namespace taupage {

enum class CredentialWrite { Created, Changed, Kept };

class CredentialsFolder {
 public:
  // uid/gid: the application user the container runs as (999:999).
  CredentialsFolder(std::string path, uid_t uid, gid_t gid) : path_(std::move(path)), uid_(uid), gid_(gid) {}

  // Makes the folder (root-owned, group gid, mode 0750: the application's group may enter, no
  // one else) or sets that owner and mode on it. Refuses a path that runs through a symlink.
  Status prepare() const;
  // Writes `name` (a plain file name) with `content`, owned by uid:gid, mode 0400, unless it
  // already holds exactly that; a wrong owner or mode on an unchanged file is corrected in place.
  Result<CredentialWrite> put(const std::string& name, const Secret& content) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  uid_t uid_;
  gid_t gid_;
};

inline constexpr mode_t kCredentialsFolderMode = 0750;
inline constexpr mode_t kCredentialFileMode = 0400;

}  // namespace taupage
