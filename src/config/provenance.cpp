#include "config/provenance.h"

#include "util/strings.h"

namespace taupage {

std::string Origin::line_text() const { return is_default ? "default" : strfmt("line %d", mark.line); }

void Provenance::record(const std::string& address, Origin origin) { origins_[address] = std::move(origin); }

void Provenance::written(const std::string& path, Mark key, Mark value) { record(path, Origin{path, key, value, false}); }

void Provenance::defaulted(const std::string& address) { origins_.emplace(address, Origin{address, {}, {}, true}); }

const Origin* Provenance::find(const std::string& address) const {
  auto it = origins_.find(address);
  return it == origins_.end() ? nullptr : &it->second;
}

Origin Provenance::at(const std::string& address) const {
  const Origin* origin = find(address);
  return origin ? *origin : Origin{address, {}, {}, true};
}

bool Provenance::is_written(const std::string& address) const {
  const Origin* origin = find(address);
  return origin && !origin->is_default;
}

}  // namespace taupage
