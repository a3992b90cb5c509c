// Errors as values. A Status is Ok or carries a Code, a human message and,
// for validation failures, the list of offending fields. Result<T> holds a
// value or a non-Ok Status.
//
// Error policy:
// 1. Expected failures (bad input, unknown id, refusal, store unreachable)
//    are values, Status / Result<T>, never exceptions across a module border.
// 2. Both are [[nodiscard]]: every one is looked at; one dropped on purpose is
//    written `(void)` where a comment says why it may be.
// 3. The Code says what a caller can do about it; the message says what
//    happened, for a person; errors() names each offending field.
// 4. One table maps codes to HTTP (api/problem.h); nothing else does.
// 5. Exceptions are for bugs and exhausted resources: Result::value() on an
//    error throws BadResultAccess naming the Status; the router's catch-all
//    logs any exception as a 500 with the request id, the stores turn one
//    from a job into kInternal. Third-party exceptions (JSON, std::sto*) are
//    caught where they are thrown and become a Status.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ozcc {

enum class Code {
  kOk,
  kInvalid,     // bad input; errors() names the fields
  kBadRequest,  // a request the server cannot take as asked (an unknown query parameter); errors() names it
  kNotFound,
  kConflict,              // e.g. idempotency key reused with another body, an illegal state transition
  kPreconditionRequired,  // a change that must name the version it changes (If-Match) did not
  kPreconditionFailed,    // the version named is no longer the current one (someone else changed it)
  kUnauthenticated,       // no or expired credentials
  kForbidden,             // authenticated, not allowed
  kTooLarge,
  kUnsupportedMedia,
  kNotAcceptable,  // the response cannot be given in a format the client accepts
  kRateLimited,
  kUnavailable,  // store not reachable, shutting down
  kInternal,
};

struct FieldError {
  std::string field;    // JSON pointer-ish path: "beds.staffed", "items[3].unit_id", "line 4: available"
  std::string message;  // English; the UI translates by field/code where it wants
  bool operator==(const FieldError&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message, std::vector<FieldError> errors = {})
      : code_(code), message_(std::move(message)), errors_(std::move(errors)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::string m, std::vector<FieldError> e = {}) {
    return {Code::kInvalid, std::move(m), std::move(e)};
  }
  static Status BadRequest(std::string m, std::vector<FieldError> e = {}) {
    return {Code::kBadRequest, std::move(m), std::move(e)};
  }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
  static Status PreconditionFailed(std::string m) { return {Code::kPreconditionFailed, std::move(m)}; }
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

// Result::value() on an error: a bug in the caller, named with the Status.
class BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Status& st) : std::logic_error("value() of a failed Result: " + st.message()) {}
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const& {
    Check();
    return std::get<T>(v_);
  }
  T& value() & {
    Check();
    return std::get<T>(v_);
  }
  T&& value() && {
    Check();
    return std::get<T>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  void Check() const {
    if (!ok()) throw BadResultAccess(std::get<Status>(v_));
  }
  std::variant<T, Status> v_;
};

}  // namespace ozcc

// Returns the Status of `expr` from the enclosing function unless it is Ok.
#define OZCC_RETURN_IF_ERROR(expr) \
  do {                             \
    ::ozcc::Status _st = (expr);   \
    if (!_st.ok()) return _st;     \
  } while (false)
