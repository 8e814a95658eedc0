/// Secret: a decrypted value (KMS plaintext, a credential). It prints as ****; the only way to
/// read it is reveal(), which the Docker request builder and the request signer call and nothing
/// that logs does. Its memory is wiped when it goes away.
#pragma once

#include <string>
#include <string_view>

namespace taupage {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = std::move(other.value_);
      other.wipe();
    }
    return *this;
  }
  ~Secret() { wipe(); }

  static constexpr std::string_view kMask = "****";
  std::string_view masked() const { return kMask; }
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  void wipe() {
    volatile char* p = value_.data();
    for (size_t i = 0; i < value_.size(); ++i) p[i] = 0;
    value_.clear();
  }
  std::string value_;
};

}  // namespace taupage
