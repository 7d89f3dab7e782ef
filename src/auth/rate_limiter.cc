#include "auth/rate_limiter.h"

namespace plume::auth {

LoginRateLimiter::LoginRateLimiter(const Clock& clock, RateLimitOptions options)
    : clock_(clock), options_(options) {}

bool LoginRateLimiter::Allowed(std::string_view login) {
  std::lock_guard lock(mu_);
  auto it = records_.find(std::string(login));
  return it == records_.end() || clock_.NowMillis() >= it->second.locked_until_ms;
}

void LoginRateLimiter::RecordFailure(std::string_view login) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowMillis();
  if (records_.size() >= options_.max_tracked) PruneLocked(now);
  if (records_.size() >= options_.max_tracked) return;  // flooded: keep existing locks only
  Record& r = records_[std::string(login)];
  if (r.failures == 0 || now - r.window_start_ms > options_.window_ms ||
      (r.locked_until_ms != 0 && now >= r.locked_until_ms)) {
    r = Record{0, now, 0};
  }
  if (++r.failures >= options_.max_failures) r.locked_until_ms = now + options_.lockout_ms;
}

void LoginRateLimiter::RecordSuccess(std::string_view login) {
  std::lock_guard lock(mu_);
  records_.erase(std::string(login));
}

void LoginRateLimiter::PruneLocked(int64_t now) {
  for (auto it = records_.begin(); it != records_.end();) {
    const Record& r = it->second;
    bool stale = now >= r.locked_until_ms && now - r.window_start_ms > options_.window_ms;
    it = stale ? records_.erase(it) : std::next(it);
  }
}

}  // namespace plume::auth
