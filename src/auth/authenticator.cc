#include "auth/authenticator.h"

#include "auth/tokens.h"
#include "util/text.h"

namespace plume::auth {
namespace {

constexpr size_t kMaxLoginBytes = 128;

Status BadCredentials() { return Unauthenticated(std::string(kBadCredentialsMessage)); }
Status NotAuthenticated() {
  return Unauthenticated("Session absente ou expirée : veuillez vous reconnecter.");
}

bool ValidLogin(std::string_view login) {
  if (login.empty() || login.size() > kMaxLoginBytes) return false;
  for (char c : login) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '@';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string Principal::Name() const {
  return is_agent() ? agent.login : "token:" + std::to_string(token.id);
}

Authenticator::Authenticator(Store& store, const Clock& clock, AuthOptions options)
    : store_(store), clock_(clock), options_(options), limiter_(clock, options.rate_limit) {
  auto dummy = HashPassword(NewSecret(), options_.password);
  if (dummy.ok()) dummy_hash_ = std::move(dummy).value();
}

Result<LoginResult> Authenticator::Login(std::string_view login, std::string_view password) {
  const int64_t now = clock_.NowMillis();
  const std::string login_str(util::IsValidUtf8(login) ? login.substr(0, kMaxLoginBytes) : "");
  AuditEntry audit;
  audit.at_ms = now;
  audit.agent = login_str;
  audit.action = "login_failed";
  if (!limiter_.Allowed(login_str)) {
    audit.detail = "rate_limited";
    (void)store_.AppendAudit(audit);
    return ResourceExhausted(
        "Trop de tentatives de connexion pour cet identifiant : réessayez dans quelques minutes.");
  }
  Result<Agent> agent = ValidLogin(login) ? store_.GetAgentByLogin(std::string(login))
                                          : Result<Agent>(NotFound("invalid login"));
  if (!agent.ok() && agent.status().code() != StatusCode::kNotFound) return agent.status();
  bool match = false;
  if (agent.ok()) {
    PLUME_ASSIGN_OR_RETURN(match, VerifyPassword(password, agent->password_hash));
    audit.service = agent->service;
  } else if (!dummy_hash_.empty()) {
    (void)VerifyPassword(password, dummy_hash_);  // same cost as a known login
  }
  if (!match) {
    limiter_.RecordFailure(login_str);
    audit.detail = agent.ok() ? "wrong_password" : "unknown_login";
    (void)store_.AppendAudit(audit);
    return BadCredentials();
  }
  limiter_.RecordSuccess(login_str);
  LoginResult out;
  out.agent = std::move(agent).value();
  out.agent.password_hash.clear();
  out.session_secret = NewSecret();
  out.csrf_token = CsrfTokenFor(out.session_secret);
  out.expires_at_ms = now + options_.session_ttl_ms;
  PLUME_RETURN_IF_ERROR(
      store_.CreateSession({HashToken(out.session_secret), out.agent.id, now, out.expires_at_ms}));
  audit.action = "login";
  PLUME_ASSIGN_OR_RETURN(int64_t audit_id, store_.AppendAudit(audit));
  (void)audit_id;
  return out;
}

Status Authenticator::Logout(std::string_view session_secret) {
  if (session_secret.empty()) return Status::Ok();
  return store_.DeleteSession(HashToken(session_secret));
}

Result<Principal> Authenticator::AuthenticateSession(std::string_view session_secret) {
  if (session_secret.empty() || session_secret.size() > 256) return NotAuthenticated();
  const std::string hash = HashToken(session_secret);
  auto session = store_.GetSession(hash);
  if (!session.ok()) {
    if (session.status().code() == StatusCode::kNotFound) return NotAuthenticated();
    return session.status();
  }
  if (clock_.NowMillis() >= session->expires_at_ms) {
    (void)store_.DeleteSession(hash);
    return NotAuthenticated();
  }
  auto agent = store_.GetAgent(session->agent_id);
  if (!agent.ok()) {
    if (agent.status().code() == StatusCode::kNotFound) return NotAuthenticated();
    return agent.status();
  }
  Principal p;
  p.kind = Principal::Kind::kAgent;
  p.agent = std::move(agent).value();
  p.agent.password_hash.clear();
  p.service = p.agent.service;
  p.csrf_token = CsrfTokenFor(session_secret);
  return p;
}

Result<Principal> Authenticator::AuthenticateBearer(std::string_view token) {
  if (token.size() <= kApiTokenPrefix.size() || token.size() > 256 ||
      token.substr(0, kApiTokenPrefix.size()) != kApiTokenPrefix) {
    return Unauthenticated("Jeton d'API invalide.");
  }
  auto t = store_.GetApiTokenByHash(HashToken(token));
  if (!t.ok()) {
    if (t.status().code() == StatusCode::kNotFound) return Unauthenticated("Jeton d'API invalide.");
    return t.status();
  }
  if (t->revoked) return Unauthenticated("Jeton d'API révoqué.");
  Principal p;
  p.kind = Principal::Kind::kApiToken;
  p.token = std::move(t).value();
  p.token.token_hash.clear();
  p.service = p.token.service;
  return p;
}

Result<Agent> Authenticator::CreateAgent(Agent agent, std::string_view password) {
  if (!ValidLogin(agent.login)) {
    return InvalidArgument(
        "Identifiant invalide : lettres, chiffres, « . », « - », « _ » ou « @ », 128 caractères "
        "au plus.");
  }
  if (agent.service.empty() || !util::IsValidUtf8(agent.service) || agent.service.size() > 128) {
    return InvalidArgument("Le service est obligatoire (128 octets au plus).");
  }
  if (!util::IsValidUtf8(agent.display_name) || agent.display_name.size() > 256) {
    return InvalidArgument("Le nom affiché est invalide (256 octets au plus).");
  }
  PLUME_RETURN_IF_ERROR(ValidateNewPassword(password));
  PLUME_ASSIGN_OR_RETURN(agent.password_hash, HashPassword(password, options_.password));
  agent.created_at_ms = clock_.NowMillis();
  auto id = store_.CreateAgent(agent);
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("Cet identifiant est déjà utilisé.");
    }
    return id.status();
  }
  agent.id = *id;
  agent.password_hash.clear();
  return agent;
}

Result<CreatedApiToken> Authenticator::CreateApiToken(const std::string& service,
                                                      const std::string& label) {
  if (service.empty() || !util::IsValidUtf8(service) || service.size() > 128) {
    return InvalidArgument("Le service est obligatoire (128 octets au plus).");
  }
  if (!util::IsValidUtf8(label) || label.size() > 256) {
    return InvalidArgument("Le libellé est invalide (256 octets au plus).");
  }
  CreatedApiToken out;
  out.token = NewApiToken();
  ApiToken t;
  t.token_hash = HashToken(out.token);
  t.service = service;
  t.label = label;
  t.created_at_ms = clock_.NowMillis();
  PLUME_ASSIGN_OR_RETURN(out.id, store_.CreateApiToken(t));
  return out;
}

}  // namespace plume::auth
