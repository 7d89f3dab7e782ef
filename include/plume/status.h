// Status and Result<T>: the error currency of Plume.
//
// Every expected failure (I/O, database, network, model, user input) is reported as a Status or a
// Result<T>, never as an exception. Exceptions thrown by third-party libraries are caught at the
// module edge and converted here. Both types are [[nodiscard]]: ignoring one is a compile warning.
//
// Thread-safety: value types; distinct instances may be used from different threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace plume {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (bad JSON, empty query, invalid UTF-8)
  kNotFound,            // an id or path that does not exist
  kAlreadyExists,       // a unique key is taken
  kFailedPrecondition,  // the system is not in a state to do this (no index built yet)
  kPermissionDenied,    // the caller may not do this
  kUnauthenticated,     // no valid credentials
  kResourceExhausted,   // size limits, rate limits, quotas
  kUnavailable,         // a backend (database, model server) cannot be reached; may be retried
  kDeadlineExceeded,    // a timeout
  kCancelled,           // the caller cancelled the operation
  kDataLoss,            // corrupt or unreadable stored data
  kInternal,            // a bug or an unexpected library failure
};

// Stable lower_snake_case name, used in JSON error bodies and logs.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "not_found: document F999 does not exist"
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("ingest F1234: ...").
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Holds either a T or a non-OK Status. Precondition for value(): ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "Result constructed from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace plume

// Propagates a non-OK Status from an expression returning Status.
#define PLUME_CONCAT_INNER_(a, b) a##b
#define PLUME_CONCAT_(a, b) PLUME_CONCAT_INNER_(a, b)

#define PLUME_RETURN_IF_ERROR(expr) \
  PLUME_RETURN_IF_ERROR_IMPL_(PLUME_CONCAT_(plume_status_, __LINE__), expr)
#define PLUME_RETURN_IF_ERROR_IMPL_(tmp, expr) \
  do {                                         \
    ::plume::Status tmp = (expr);              \
    if (!tmp.ok()) return tmp;                 \
  } while (false)
// PLUME_ASSIGN_OR_RETURN(auto x, F()); declares x from a Result or returns its Status.
#define PLUME_ASSIGN_OR_RETURN(lhs, expr) \
  PLUME_ASSIGN_OR_RETURN_IMPL_(PLUME_CONCAT_(plume_result_, __LINE__), lhs, expr)
#define PLUME_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
