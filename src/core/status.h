// Errors as values. A Status is Ok or carries a Code, a human message and,
// for validation failures, the list of offending fields. Result<T> holds a
// value or a non-Ok Status. No exceptions cross module borders.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ozcc {

enum class Code {
  kOk,
  kInvalid,  // bad input; errors() names the fields
  kNotFound,
  kConflict,         // e.g. idempotency key reused with another body
  kUnauthenticated,  // no or expired credentials
  kForbidden,        // authenticated, not allowed
  kTooLarge,
  kUnsupportedMedia,
  kRateLimited,
  kUnavailable,  // store not reachable, shutting down
  kInternal,
};

struct FieldError {
  std::string field;    // JSON pointer-ish path: "beds.staffed", "items[3].unit_id", "line 4: available"
  std::string message;  // English; the UI translates by field/code where it wants
  bool operator==(const FieldError&) const = default;
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message, std::vector<FieldError> errors = {})
      : code_(code), message_(std::move(message)), errors_(std::move(errors)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::string m, std::vector<FieldError> e = {}) {
    return {Code::kInvalid, std::move(m), std::move(e)};
  }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status Forbidden(std::string m) { return {Code::kForbidden, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<FieldError> errors_;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ozcc

// Returns the Status of `expr` from the enclosing function unless it is Ok.
#define OZCC_RETURN_IF_ERROR(expr) \
  do {                             \
    ::ozcc::Status _st = (expr);   \
    if (!_st.ok()) return _st;     \
  } while (false)
