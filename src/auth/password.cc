#include "auth/password.h"

#include <argon2.h>
#include <sodium.h>

#include <array>
#include <vector>

#include "util/text.h"

namespace plume::auth {

namespace {
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
}  // namespace

PasswordParams FastPasswordParamsForTests() { return {1, 64, 1}; }

Status ValidateNewPassword(std::string_view password) {
  if (!util::IsValidUtf8(password)) {
    return InvalidArgument("Le mot de passe contient des caractères invalides.");
  }
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument("Le mot de passe est trop long (1024 octets au plus).");
  }
  if (util::CodePointCount(password) < kMinPasswordCodePoints) {
    return InvalidArgument("Le mot de passe doit contenir au moins 10 caractères.");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, const PasswordParams& params) {
  if (password.size() > kMaxPasswordBytes) return InvalidArgument("password too long");
  if (sodium_init() < 0) return Internal("libsodium initialisation failed");
  std::array<unsigned char, kSaltBytes> salt;
  randombytes_buf(salt.data(), salt.size());
  size_t len = argon2_encodedlen(params.time_cost, params.memory_kib, params.parallelism,
                                 kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(len);
  int rc = argon2id_hash_encoded(params.time_cost, params.memory_kib, params.parallelism,
                                 password.data(), password.size(), salt.data(), salt.size(),
                                 kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
      return Internal(std::string("argon2id: ") + argon2_error_message(rc));
    }
    return InvalidArgument(std::string("argon2id: ") + argon2_error_message(rc));
  }
  return std::string(encoded.data());
}

Result<bool> VerifyPassword(std::string_view password, const std::string& encoded) {
  if (password.size() > kMaxPasswordBytes) return false;
  int rc = argon2id_verify(encoded.c_str(), password.data(), password.size());
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
    return Internal(std::string("argon2id: ") + argon2_error_message(rc));
  }
  return DataLoss(std::string("stored password hash is unreadable: ") + argon2_error_message(rc));
}

}  // namespace plume::auth
