// Content hashing (BLAKE2b via libsodium).
#pragma once

#include <string>
#include <string_view>

namespace plume::util {

// 32-byte BLAKE2b digest of `data`, lower-case hex (64 characters). Deterministic across runs.
std::string ContentHash(std::string_view data);

}  // namespace plume::util
