// Citizens' satisfaction links: created when a reply is sent, used without login from a public
// page (GET /avis/{token}, POST /api/satisfaction/{token}).
//
// The token is 256 random bits (auth::NewSecret, base64url, 43 characters); only its BLAKE2b hash
// is stored, so a database dump cannot be turned into links and tokens cannot be enumerated.
// Rules: one rating per reply; the first rating must come before the link expires
// (link_validity_ms after sending); it can then be changed during edit_window_ms after the first
// rating. Requests are rate-limited per client address and per token (fixed one-hour windows).
//
// Errors, chosen so that a forged, unknown, malformed or expired token cannot be told apart:
//   kNotFound           unknown / forged / malformed token, or never rated and expired
//   kFailedPrecondition rated, and the edit window is over (HTTP 410)
//   kResourceExhausted  rate limit reached (HTTP 429)
//   kInvalidArgument    score outside 1..5, comment too long or not UTF-8
// plus the store's errors.
//
// Thread-safety: all methods may be called concurrently. Borrows `store` and `clock`, which must
// outlive the service.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "plume/clock.h"
#include "plume/outcomes.h"
#include "plume/store.h"

namespace plume::metrics {

struct SatisfactionOptions {
  int64_t link_validity_ms = 30LL * 86'400'000;  // first rating within 30 days of the reply
  int64_t edit_window_ms = 7LL * 86'400'000;     // editable for a week after the first rating
  int max_requests_per_ip_per_hour = 60;
  int max_requests_per_token_per_hour = 20;
  size_t max_comment_bytes = 2000;
  size_t max_tracked_keys = 100000;  // memory bound of each rate limiter
};

// Fixed-window request counter per key. Thread-safe. Borrows `clock`.
class WindowRateLimiter {
 public:
  WindowRateLimiter(const Clock& clock, int max_per_window, int64_t window_ms, size_t max_keys);
  // Counts one request for `key`; false when the key already made max_per_window requests in
  // the current window.
  bool Allow(std::string_view key);

 private:
  const Clock& clock_;
  const int max_;
  const int64_t window_ms_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<int64_t, int>> counts_;  // key -> (window, count)
};

// What the public page shows.
struct SatisfactionView {
  std::optional<SatisfactionRating> rating;  // the citizen's current rating, if any
  int64_t editable_until_ms = 0;             // deadline of the next submission
};

class SatisfactionService {
 public:
  SatisfactionService(Store& store, const Clock& clock, SatisfactionOptions options);

  // Creates the link of a sent reply (decision of kind accepted, edited or written_without_ai,
  // already stored) and returns the secret token to put in the citizen's URL. It is never stored
  // and cannot be recovered later. Errors: those of Store::CreateSatisfactionLink.
  Result<std::string> CreateLink(const Decision& sent);

  // For the public page; `client` is the caller's address (rate limiting).
  Result<SatisfactionView> View(std::string_view token, std::string_view client);

  // Records or changes the rating. Returns the stored rating.
  Result<SatisfactionRating> Rate(std::string_view token, std::string_view client, int score,
                                  std::optional<bool> useful, std::string comment);

 private:
  // The link of a well-formed token that is still usable; the errors listed above otherwise.
  Result<SatisfactionLink> UsableLink(std::string_view token, std::string_view client, int64_t now,
                                      int64_t* deadline);

  Store& store_;
  const Clock& clock_;
  const SatisfactionOptions options_;
  WindowRateLimiter per_client_;
  WindowRateLimiter per_token_;
};

}  // namespace plume::metrics
