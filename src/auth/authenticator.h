// Authenticator: agent logins and sessions, API tokens, account creation.
//
// Sessions: Login() returns a random 256-bit session secret for the cookie; the store keeps only
// its hash. The CSRF token is derived from the secret (auth/tokens.h). Sessions expire
// `session_ttl_ms` after login (absolute), measured on the injected Clock.
// API tokens: "plm_..." secrets scoped to one service, stored hashed, shown once at creation.
// Logins and failed logins are written to the audit trail ("login", "login_failed").
//
// Errors: kUnauthenticated (same French message for an unknown login and a wrong password,
// and for unknown/expired sessions and tokens), kResourceExhausted when the login is rate
// limited, kInvalidArgument / kAlreadyExists for account creation, store errors otherwise.
// Ownership: borrows `store` and `clock`; both must outlive the Authenticator.
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "plume/clock.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::auth {

struct AuthOptions {
  PasswordParams password;
  int64_t session_ttl_ms = 12LL * 60 * 60 * 1000;
  RateLimitOptions rate_limit;
};

// Who is calling. For kAgent, `agent` is set (password_hash cleared) and `csrf_token` is the
// session's CSRF token; for kApiToken, `token` is set (token_hash cleared).
struct Principal {
  enum class Kind { kAgent, kApiToken };
  Kind kind = Kind::kAgent;
  Agent agent;
  ApiToken token;
  std::string service;  // the agent's or the token's service
  std::string csrf_token;

  bool is_agent() const { return kind == Kind::kAgent; }
  bool is_admin() const { return is_agent() && agent.role == AgentRole::kAdmin; }
  // Login for logs and audit: the agent's login, or "token:<id>".
  std::string Name() const;
};

struct LoginResult {
  Agent agent;                 // password_hash cleared
  std::string session_secret;  // for the cookie; never stored
  std::string csrf_token;
  int64_t expires_at_ms = 0;
};

struct CreatedApiToken {
  int64_t id = 0;
  std::string token;  // shown once
};

// French message of every kUnauthenticated login failure.
inline constexpr std::string_view kBadCredentialsMessage = "Identifiant ou mot de passe incorrect.";

class Authenticator {
 public:
  Authenticator(Store& store, const Clock& clock, AuthOptions options);

  Result<LoginResult> Login(std::string_view login, std::string_view password);
  // Deletes the session; an unknown secret is not an error.
  Status Logout(std::string_view session_secret);
  Result<Principal> AuthenticateSession(std::string_view session_secret);
  Result<Principal> AuthenticateBearer(std::string_view token);

  // Validates and stores a new account (agent.password_hash is ignored and computed from
  // `password`). Errors: kInvalidArgument (French message) for an empty login/service, a bad
  // password; kAlreadyExists when the login is taken. Returns the agent without its hash.
  Result<Agent> CreateAgent(Agent agent, std::string_view password);
  // Errors: kInvalidArgument for an empty service.
  Result<CreatedApiToken> CreateApiToken(const std::string& service, const std::string& label);

 private:
  Store& store_;
  const Clock& clock_;
  AuthOptions options_;
  LoginRateLimiter limiter_;
  std::string dummy_hash_;  // verified for unknown logins so both paths cost the same
};

}  // namespace plume::auth
