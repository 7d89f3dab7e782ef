#include "auth/tokens.h"

#include <sodium.h>

#include <array>
#include <cassert>

namespace plume::auth {
namespace {

void InitSodium() {
  [[maybe_unused]] static const int kInit = sodium_init();
  assert(kInit >= 0 && "libsodium initialisation failed");
}

std::string Base64Url(const unsigned char* data, size_t len) {
  const size_t max = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(max, '\0');
  sodium_bin2base64(out.data(), max, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

}  // namespace

std::string NewSecret() {
  InitSodium();
  std::array<unsigned char, 32> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string out = Base64Url(bytes.data(), bytes.size());
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

std::string NewApiToken() { return std::string(kApiTokenPrefix) + NewSecret(); }

std::string HashToken(std::string_view secret) {
  InitSodium();
  std::array<unsigned char, 32> digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr,
                     0);
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

std::string CsrfTokenFor(std::string_view session_secret) {
  InitSodium();
  // The session secret is the key (at most crypto_generichash_KEYBYTES_MAX = 64 bytes; the
  // 43-character secrets fit). Longer inputs are hashed first.
  std::string key(session_secret);
  if (key.size() > crypto_generichash_KEYBYTES_MAX) key = HashToken(key).substr(0, 64);
  static constexpr std::string_view kLabel = "plume-csrf-v1";
  std::array<unsigned char, 32> digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return Base64Url(digest.data(), digest.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace plume::auth
