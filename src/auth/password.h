// Password hashing with argon2id (libargon2), as encoded strings ("$argon2id$v=19$m=...").
//
// Thread-safety: free functions, safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "plume/status.h"

namespace plume::auth {

// argon2id cost parameters. The defaults follow the OWASP recommendation for a server
// (t=2, m=19 MiB, p=1); tests may lower them (FastPasswordParamsForTests).
struct PasswordParams {
  uint32_t time_cost = 2;
  uint32_t memory_kib = 19 * 1024;
  uint32_t parallelism = 1;
};

// Cheap parameters so that tests do not spend seconds hashing. Never use them in production.
PasswordParams FastPasswordParamsForTests();

// Bounds on a new password: at least 10 code points, at most 1024 bytes.
inline constexpr size_t kMinPasswordCodePoints = 10;
inline constexpr size_t kMaxPasswordBytes = 1024;

// kInvalidArgument (French message) when `password` is too short, too long or not UTF-8.
Status ValidateNewPassword(std::string_view password);

// Hashes with a fresh random salt. Errors: kInvalidArgument for bad parameters or an oversized
// password, kInternal when libargon2 fails (e.g. out of memory).
Result<std::string> HashPassword(std::string_view password, const PasswordParams& params);

// True when `password` matches `encoded`; false when it does not. Errors: kDataLoss when
// `encoded` is not a valid argon2id string.
Result<bool> VerifyPassword(std::string_view password, const std::string& encoded);

}  // namespace plume::auth
