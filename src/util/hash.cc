#include "util/hash.h"

#include <sodium.h>

#include <array>
#include <cstdlib>

namespace plume::util {

std::string ContentHash(std::string_view data) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  // crypto_generichash does not depend on sodium_init() (no randomness involved).
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

}  // namespace plume::util
