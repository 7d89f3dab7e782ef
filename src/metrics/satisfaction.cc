#include "metrics/satisfaction.h"

#include "auth/tokens.h"
#include "util/text.h"

namespace plume::metrics {
namespace {

constexpr int64_t kHourMs = 3'600'000;

Status UnknownLink() { return NotFound("Ce lien d'avis n'existe pas ou a expiré."); }

// auth::NewSecret(): 43 base64url characters.
bool WellFormed(std::string_view token) {
  if (token.size() != 43) return false;
  for (char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

WindowRateLimiter::WindowRateLimiter(const Clock& clock, int max_per_window, int64_t window_ms,
                                     size_t max_keys)
    : clock_(clock), max_(max_per_window), window_ms_(window_ms), max_keys_(max_keys) {}

bool WindowRateLimiter::Allow(std::string_view key) {
  const int64_t window = clock_.NowMillis() / window_ms_;
  std::lock_guard lock(mu_);
  if (counts_.size() >= max_keys_) {
    std::erase_if(counts_, [window](const auto& kv) { return kv.second.first != window; });
    // Still full of keys active in this window: refuse new keys rather than grow without bound.
    if (counts_.size() >= max_keys_ && !counts_.contains(std::string(key))) return false;
  }
  auto& [w, count] = counts_[std::string(key)];
  if (w != window) {
    w = window;
    count = 0;
  }
  if (count >= max_) return false;
  ++count;
  return true;
}

SatisfactionService::SatisfactionService(Store& store, const Clock& clock,
                                         SatisfactionOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      per_client_(clock, options.max_requests_per_ip_per_hour, kHourMs, options.max_tracked_keys),
      per_token_(clock, options.max_requests_per_token_per_hour, kHourMs,
                 options.max_tracked_keys) {}

Result<std::string> SatisfactionService::CreateLink(const Decision& sent) {
  std::string token = auth::NewSecret();
  SatisfactionLink link;
  link.token_hash = auth::HashToken(token);
  link.decision_id = sent.id;
  link.message_id = sent.message_id;
  link.created_at_ms = clock_.NowMillis();
  link.expires_at_ms = link.created_at_ms + options_.link_validity_ms;
  PLUME_RETURN_IF_ERROR(store_.CreateSatisfactionLink(link));
  return token;
}

Result<SatisfactionLink> SatisfactionService::UsableLink(std::string_view token,
                                                         std::string_view client, int64_t now,
                                                         int64_t* deadline) {
  if (!per_client_.Allow(client)) {
    return ResourceExhausted("Trop de demandes depuis votre connexion : réessayez dans une heure.");
  }
  if (!WellFormed(token)) return UnknownLink();
  const std::string hash = auth::HashToken(token);
  if (!per_token_.Allow(hash)) {
    return ResourceExhausted("Trop de demandes pour cet avis : réessayez dans une heure.");
  }
  auto link = store_.GetSatisfactionLink(hash);
  if (!link.ok()) {
    if (link.status().code() == StatusCode::kNotFound) return UnknownLink();
    return link.status();
  }
  if (link->rating) {
    *deadline = link->rating->rated_at_ms + options_.edit_window_ms;
    if (now >= *deadline) {
      return FailedPrecondition(
          "Votre avis a été enregistré il y a plus d'une semaine : il ne peut plus être modifié.");
    }
  } else {
    *deadline = link->expires_at_ms;
    if (now >= *deadline) return UnknownLink();
  }
  return link;
}

Result<SatisfactionView> SatisfactionService::View(std::string_view token,
                                                   std::string_view client) {
  SatisfactionView view;
  PLUME_ASSIGN_OR_RETURN(SatisfactionLink link,
                         UsableLink(token, client, clock_.NowMillis(), &view.editable_until_ms));
  view.rating = link.rating;
  return view;
}

Result<SatisfactionRating> SatisfactionService::Rate(std::string_view token,
                                                     std::string_view client, int score,
                                                     std::optional<bool> useful,
                                                     std::string comment) {
  const int64_t now = clock_.NowMillis();
  int64_t deadline = 0;
  PLUME_ASSIGN_OR_RETURN(SatisfactionLink link, UsableLink(token, client, now, &deadline));
  if (score < 1 || score > 5) return InvalidArgument("La note doit être comprise entre 1 et 5.");
  if (comment.size() > options_.max_comment_bytes) {
    return InvalidArgument("Le commentaire est trop long (2 000 caractères au plus).");
  }
  if (!util::IsValidUtf8(comment)) return InvalidArgument("Le commentaire n'est pas valide.");
  SatisfactionRating r;
  r.decision_id = link.decision_id;
  r.message_id = link.message_id;
  r.score = score;
  r.useful = useful;
  r.comment = std::string(util::Trim(comment));
  r.rated_at_ms = link.rating ? link.rating->rated_at_ms : now;
  r.updated_at_ms = now;
  PLUME_RETURN_IF_ERROR(store_.SaveSatisfactionRating(link.token_hash, r));
  return r;
}

}  // namespace plume::metrics
