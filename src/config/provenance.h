/// Provenance: where each value of a Config came from, the line the user wrote or the reader's
/// default. The plan's "line N", the errors of the cross-checks (which name both ends of a
/// conflict) and any later message about a value find its place here.
#pragma once

#include <map>
#include <string>

#include "config/diagnostic.h"

namespace taupage {

struct Origin {
  std::string path;         // where it was written, as diagnostics name it: $.mounts."/data".partition
  Mark mark;                // the key that set it (a list item: the item itself); {0, 0} for a default
  Mark value;               // the value as written, where a message about what was written points
  bool is_default = false;  // not written: the reader's default

  std::string line_text() const;  // "line 9", or "default"
};

// Values are found by their address in the Config, written in the diagnostics' path syntax. For
// a mapping entry that is its path in the document; a list's items are numbered as they stand in
// the Config's list, and a port mapping is $.ports."80/tcp" whichever way its key was written. An
// Origin's own path says where the value was written, which is what messages quote.
class Provenance {
 public:
  void record(const std::string& address, Origin origin);
  // A value at its own path in the document; key and value marks as libyaml gave them.
  void written(const std::string& path, Mark key, Mark value);
  // The reader's default, unless the address was written (a refused value stays written).
  void defaulted(const std::string& address);

  // Null when nothing is recorded at `address`.
  const Origin* find(const std::string& address) const;
  // The recorded origin, or a default one: a Config built in code has no recorded values.
  Origin at(const std::string& address) const;
  bool is_written(const std::string& address) const;

  const std::map<std::string, Origin>& all() const { return origins_; }

 private:
  std::map<std::string, Origin> origins_;
};

}  // namespace taupage
