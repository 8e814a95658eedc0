/// Error and Result<T>: how a function that can fail says so, without exceptions across modules.
/// An Error carries a message and the chain of what was being done ("attach /dev/sdf: AttachVolume:
/// IncorrectState: ..."): each layer adds its context with wrap() as the error travels up.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace taupage {

// What a caller may decide by besides the text; wrap() keeps it. Most errors are Other.
enum class ErrorKind {
  Other,
  Permanent,  // the same action again cannot succeed (a certificate that does not verify): no retry
  Protocol,   // the peer answered, but not in its protocol (a malformed HTTP response)
};

class Error {
 public:
  Error() = default;
  explicit Error(std::string message, ErrorKind kind = ErrorKind::Other) : message_(std::move(message)), kind_(kind) {}

  // Adds what the caller was doing in front: "context: message".
  Error& wrap(const std::string& context) & {
    message_ = context + ": " + message_;
    return *this;
  }
  Error&& wrap(const std::string& context) && {
    message_ = context + ": " + message_;
    return std::move(*this);
  }
  const std::string& message() const { return message_; }
  ErrorKind kind() const { return kind_; }

 private:
  std::string message_;
  ErrorKind kind_ = ErrorKind::Other;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success, or an error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  static Status Ok() { return {}; }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

}  // namespace taupage
