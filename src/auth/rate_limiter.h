// LoginRateLimiter: refuses login attempts for a login after repeated failures.
//
// After `max_failures` failures within `window_ms`, the login is locked for `lockout_ms`; while
// locked every attempt is refused without checking the password (so a correct guess is not
// revealed). A success clears the login's record. Unknown logins are limited exactly like known
// ones, so the limiter does not reveal which logins exist. Memory is bounded: at most
// `max_tracked` logins are tracked; stale records are pruned first.
//
// Thread-safety: all methods may be called concurrently. Borrows `clock`, which must outlive it.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "plume/clock.h"

namespace plume::auth {

struct RateLimitOptions {
  int max_failures = 5;
  int64_t window_ms = 15 * 60 * 1000;
  int64_t lockout_ms = 15 * 60 * 1000;
  size_t max_tracked = 100000;
};

class LoginRateLimiter {
 public:
  LoginRateLimiter(const Clock& clock, RateLimitOptions options);

  // False while `login` is locked.
  bool Allowed(std::string_view login);
  void RecordFailure(std::string_view login);
  void RecordSuccess(std::string_view login);

 private:
  struct Record {
    int failures = 0;
    int64_t window_start_ms = 0;
    int64_t locked_until_ms = 0;
  };
  void PruneLocked(int64_t now);

  const Clock& clock_;
  RateLimitOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Record> records_;
};

}  // namespace plume::auth
