// Random bearer secrets (session cookies, API tokens) and their storage hashes.
//
// Secrets come from libsodium's randombytes (256 bits). The store only ever sees HashToken() of a
// secret. The CSRF token of a session is derived from the session secret with keyed BLAKE2b, so it
// needs no storage and cannot be computed without the cookie.
//
// Thread-safety: free functions, safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

namespace plume::auth {

// Prefix of API tokens, so that leaked tokens are easy to recognise in logs and scanners.
inline constexpr std::string_view kApiTokenPrefix = "plm_";

// 256 random bits, base64url without padding (43 characters).
std::string NewSecret();
// kApiTokenPrefix + NewSecret().
std::string NewApiToken();
// BLAKE2b-256 of `secret`, lower-case hex (64 characters).
std::string HashToken(std::string_view secret);
// The CSRF token bound to a session secret: keyed BLAKE2b-256, base64url (43 characters).
std::string CsrfTokenFor(std::string_view session_secret);
// Comparison whose time does not depend on where the strings differ (lengths may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace plume::auth
