// Public feedback route of the embeddable "Je donne mon avis" widget (issue #7):
//   OPTIONS /api/v1/feedback   CORS preflight
//   POST    /api/v1/feedback   {service, rating 1..5, text, ease? 1..5, procedure?, name?, email?}
//                              -> 201 {receipt: {reference, message}}; creates a Message of
//                              channel "feedback" in `service`, classified like POST /api/messages.
// No login and no credentials: cookies are never read on this route and no
// Access-Control-Allow-Credentials header is ever sent, so a session cannot ride along.
//
// CORS: an Origin listed in FeedbackOptions::origins (or the server's own origin) gets
// Access-Control-Allow-Origin; any other Origin (including "null") answers 403 JSON without it.
// Requests without Origin (curl, server-side forms) are not from a browser and are accepted.
//
// Rate limits: token buckets on the injected Clock, one per client address (every request counts,
// bad ones too) and one per service (accepted submissions only); 429 JSON with Retry-After.
// The buckets live in this process: with several Plume nodes each node limits on its own, so the
// effective limit is multiplied by the number of nodes (acceptable for an abuse guard). Behind a
// reverse proxy, the client address is the proxy's (X-Forwarded-For is not trusted).
//
// Honeypot: a non-empty "website" field (hidden in the widget, filled by naive bots) gets the
// same 201 answer as a real submission, and nothing is stored.
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include "auth/tokens.h"
#include "http/api_support.h"
#include "http/server_impl.h"
#include "util/files.h"
#include "util/text.h"

namespace plume::http {
namespace {

constexpr size_t kMaxFeedbackBody = 16 * 1024;
constexpr size_t kMaxProcedureBytes = 200;
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxEmailBytes = 254;
constexpr const char* kHoneypotField = "website";

// Token buckets keyed by a string (client address, service). Thread-safe; borrows `clock`.
class TokenBuckets {
 public:
  TokenBuckets(const Clock& clock, double burst, double per_minute, size_t max_keys)
      : clock_(clock),
        burst_(std::max(1.0, burst)),
        per_ms_(std::max(1e-9, per_minute / 60'000.0)),
        max_keys_(std::max<size_t>(1, max_keys)) {}

  // Takes one token for `key`: 0 when allowed, otherwise the milliseconds until one is available.
  int64_t Take(const std::string& key) {
    const int64_t now = clock_.NowMillis();
    std::lock_guard lock(mu_);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
      if (buckets_.size() >= max_keys_) Evict(now);
      it = buckets_.emplace(key, Bucket{burst_, now}).first;
    }
    Bucket& b = it->second;
    Refill(b, now);
    if (b.tokens >= 1.0) {
      b.tokens -= 1.0;
      return 0;
    }
    // The tolerance keeps float noise from adding a millisecond to an exact wait.
    return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / per_ms_ - 1e-6)));
  }

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };

  void Refill(Bucket& b, int64_t now) const {
    const int64_t elapsed = std::max<int64_t>(0, now - b.at_ms);  // a clock going back adds none
    b.tokens = std::min(burst_, b.tokens + static_cast<double>(elapsed) * per_ms_);
    b.at_ms = std::max(b.at_ms, now);
  }

  // Drops the full buckets (forgetting them changes nothing); if every bucket is in use, drops
  // them all: the memory bound wins over the limit during a flood from very many addresses.
  void Evict(int64_t now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      Refill(it->second, now);
      it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    if (buckets_.size() >= max_keys_) buckets_.clear();
  }

  const Clock& clock_;
  const double burst_;
  const double per_ms_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

struct FeedbackState {
  FeedbackState(const Clock& clock, const FeedbackOptions& o)
      : per_ip(clock, o.ip_burst, o.ip_per_minute, o.max_tracked_keys),
        per_service(clock, o.service_burst, o.service_per_minute, o.max_tracked_keys) {}
  TokenBuckets per_ip;
  TokenBuckets per_service;
  std::vector<std::string> origins;  // normalised
};

// "HTTPS://Site.fr/" -> "https://site.fr" (browsers send origins lower-case, without a slash).
std::string NormalizeOrigin(std::string_view o) {
  o = util::Trim(o);
  while (!o.empty() && o.back() == '/') o.remove_suffix(1);
  std::string out(o);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Whether `origin` (the request's Origin header, non-empty) may post.
bool OriginAllowed(const FeedbackState& state, const httplib::Request& req,
                   const std::string& origin) {
  const std::string o = NormalizeOrigin(origin);
  if (std::find(state.origins.begin(), state.origins.end(), o) != state.origins.end()) return true;
  // The server's own pages (demo page, widget on Plume itself).
  const std::string host = NormalizeOrigin(req.get_header_value("Host"));
  return !host.empty() && (o == "http://" + host || o == "https://" + host);
}

// Control characters other than tab and line breaks (and DEL) are refused in texts.
bool HasControlChars(std::string_view s, bool allow_newlines) {
  return std::any_of(s.begin(), s.end(), [allow_newlines](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\t' || ((c == '\n' || c == '\r') && allow_newlines)) return false;
    return c < 0x20 || c == 0x7f;
  });
}

// A plausible address: one '@', non-empty local part, a dotted domain, no spaces or brackets.
bool PlausibleEmail(std::string_view e) {
  const size_t at = e.find('@');
  if (at == 0 || at == std::string_view::npos || e.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = e.substr(at + 1);
  const size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size() ||
      domain.find("..") != std::string_view::npos || domain.front() == '-') {
    return false;
  }
  return std::none_of(e.begin(), e.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c == 0x7f ||
           std::string_view("<>()[]\\,;:\"").find(ch) != std::string_view::npos;
  });
}

// Reads an optional string field into *out. Sends 400 and returns false on another type, a value
// longer than `max_bytes` or control characters.
bool GetBoundedString(const json& body, const char* key, const char* label, size_t max_bytes,
                      bool multiline, std::string* out, httplib::Response& res) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) {
    SendError(res, BadArgument(std::string("Le champ « ") + label +
                               " » doit être une chaîne de caractères."));
    return false;
  }
  std::string v(util::Trim(it->get_ref<const std::string&>()));
  if (v.size() > max_bytes) {
    SendError(res, BadArgument(std::string("Le champ « ") + label + " » est trop long (" +
                               std::to_string(max_bytes) + " octets au plus)."));
    return false;
  }
  if (HasControlChars(v, multiline)) {
    SendError(res, BadArgument(std::string("Le champ « ") + label +
                               " » contient des caractères non autorisés."));
    return false;
  }
  *out = std::move(v);
  return true;
}

// Reads a score 1..5: required, or optional (absent/null leaves *out at 0).
bool GetScore(const json& body, const char* key, const char* label, bool required, int* out,
              httplib::Response& res) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (!required) return true;
    SendError(res, BadArgument(std::string("La note « ") + label +
                               " » est obligatoire (un entier de 1 à 5)."));
    return false;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 5) {
    SendError(res,
              BadArgument(std::string("La note « ") + label + " » doit être un entier de 1 à 5."));
    return false;
  }
  *out = static_cast<int>(it->get<int64_t>());
  return true;
}

void SendRateLimited(httplib::Response& res, int64_t wait_ms, std::string_view who) {
  const int64_t seconds = std::max<int64_t>(1, (wait_ms + 999) / 1000);
  const int64_t minutes = (seconds + 59) / 60;
  res.set_header("Retry-After", std::to_string(seconds));
  SendError(res,
            {429, "rate_limited",
             std::string(who) + " Réessayez dans " +
                 (seconds < 60 ? std::to_string(seconds) + " seconde" + (seconds > 1 ? "s" : "")
                               : std::to_string(minutes) + " minute" + (minutes > 1 ? "s" : "")) +
                 "."});
}

// A short reference the citizen can quote; also written in the stored message.
std::string NewReference() {
  std::string hex = auth::HashToken(auth::NewSecret()).substr(0, 8);
  std::transform(hex.begin(), hex.end(), hex.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return "AVIS-" + hex;
}

json Receipt(const std::string& reference) {
  return {{"receipt",
           {{"reference", reference},
            {"message", "Merci, votre avis a bien été transmis. Référence : " + reference + "."}}}};
}

}  // namespace

bool IsWebOrigin(std::string_view origin) {
  size_t host = 0;
  if (origin.starts_with("https://")) {
    host = 8;
  } else if (origin.starts_with("http://")) {
    host = 7;
  } else {
    return false;
  }
  if (host >= origin.size()) return false;
  return std::all_of(origin.begin() + static_cast<std::ptrdiff_t>(host), origin.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

Status LoadFeedbackConfig(const std::filesystem::path& file, FeedbackOptions* options) {
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file, 1 << 20));
  const std::string where = file.string();
  try {
    toml::table t = toml::parse(text, where);
    auto strings = [&](const char* key, std::vector<std::string>* out) -> Status {
      const toml::node* n = t.get(key);
      if (n == nullptr) return Status::Ok();
      const toml::array* a = n->as_array();
      if (a == nullptr) return InvalidArgument(where + " : « " + key + " » doit être une liste.");
      for (const toml::node& v : *a) {
        auto str = v.value<std::string>();
        if (!str || str->empty()) {
          return InvalidArgument(where + " : « " + key +
                                 " » ne contient que des textes non vides.");
        }
        out->push_back(*str);
      }
      return Status::Ok();
    };
    PLUME_RETURN_IF_ERROR(strings("services", &options->services));
    const size_t first_origin = options->origins.size();
    PLUME_RETURN_IF_ERROR(strings("origins", &options->origins));
    for (size_t i = first_origin; i < options->origins.size(); ++i) {
      std::string o = options->origins[i];
      while (!o.empty() && o.back() == '/') o.pop_back();
      if (!IsWebOrigin(o)) {
        return InvalidArgument(where + " : origine invalide « " + options->origins[i] +
                               " » (attendu : https://hote[:port], sans chemin).");
      }
    }
    if (const toml::node* rl = t.get("rate_limit"); rl != nullptr) {
      if (!rl->is_table()) return InvalidArgument(where + " : [rate_limit] doit être une table.");
      for (auto [key, field] :
           {std::pair{"per_address_burst", &options->ip_burst},
            std::pair{"per_address_per_minute", &options->ip_per_minute},
            std::pair{"per_service_burst", &options->service_burst},
            std::pair{"per_service_per_minute", &options->service_per_minute}}) {
        const toml::node* v = rl->as_table()->get(key);
        if (v == nullptr) continue;
        auto number = v->value<double>();
        if (!number || !(*number > 0)) {
          return InvalidArgument(where + " : rate_limit." + key + " doit être un nombre positif.");
        }
        *field = *number;
      }
    }
  } catch (const toml::parse_error& e) {
    return InvalidArgument(where + ", ligne " + std::to_string(e.source().begin.line) + " : " +
                           std::string(e.description()));
  }
  return Status::Ok();
}

void Server::Impl::FeedbackRoutes() {
  // Shared by the handler closures, which httplib copies into std::function (unique_ptr cannot be
  // captured by a copyable closure); lives as long as the routes.
  auto state = std::make_shared<FeedbackState>(clock, options.feedback);
  for (const auto& o : options.feedback.origins) state->origins.push_back(NormalizeOrigin(o));

  // Sets the CORS headers of an allowed origin; sends 403 and returns false for another one.
  auto cors = [state](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("Vary", "Origin");
    if (!req.has_header("Origin")) return true;
    const std::string origin = req.get_header_value("Origin");
    if (!OriginAllowed(*state, req, origin)) {
      SendError(res, Forbidden("Ce site n'est pas autorisé à envoyer des avis à ce service."));
      return false;
    }
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Expose-Headers", "Retry-After");
    return true;
  };

  server.Options("/api/v1/feedback", [cors](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Origin")) {
      return SendError(res, BadArgument("Requête de contrôle CORS sans en-tête Origin."));
    }
    if (!cors(req, res)) return;
    res.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
    res.status = 204;
  });

  server.Post("/api/v1/feedback", [this, state, cors](const httplib::Request& req,
                                                      httplib::Response& res) {
    if (!cors(req, res)) return;
    if (int64_t wait = state->per_ip.Take(ClientAddress(req)); wait > 0) {
      return SendRateLimited(res, wait, "Trop d'avis envoyés depuis votre connexion.");
    }
    if (req.body.size() > kMaxFeedbackBody) {
      return SendError(res, {413, "payload_too_large", "Votre avis est trop volumineux."});
    }
    auto body = ParseObject(req, res, false);
    if (!body) return;

    std::string honeypot;
    if (auto h = body->find(kHoneypotField); h != body->end() && h->is_string()) {
      honeypot = h->get<std::string>();
    }
    if (!util::Trim(honeypot).empty()) {
      spdlog::info("feedback honeypot filled by {}: dropped", ClientAddress(req));
      return SendJson(res, 201, Receipt(NewReference()));
    }

    std::string service;
    if (!GetBoundedString(*body, "service", "service", kMaxShortField, false, &service, res)) {
      return;
    }
    if (service.empty()) {
      return SendError(res, BadArgument("Le champ « service » est obligatoire."));
    }
    const auto& accepted = options.feedback.services;
    if (std::find(accepted.begin(), accepted.end(), service) == accepted.end()) {
      return SendError(res, {404, "not_found", "Ce service ne reçoit pas d'avis en ligne."});
    }

    int rating = 0, ease = 0;
    std::string text, procedure, name, email;
    if (!GetScore(*body, "rating", "satisfaction", true, &rating, res) ||
        !GetScore(*body, "ease", "facilité", false, &ease, res) ||
        !GetBoundedString(*body, "procedure", "démarche", kMaxProcedureBytes, false, &procedure,
                          res) ||
        !GetBoundedString(*body, "name", "nom", kMaxNameBytes, false, &name, res) ||
        !GetBoundedString(*body, "email", "adresse électronique", kMaxEmailBytes, false, &email,
                          res)) {
      return;
    }
    if (auto t = body->find("text"); t != body->end() && !t->is_null() && !t->is_string()) {
      return SendError(res, BadArgument("Le champ « avis » doit être une chaîne de caractères."));
    } else if (t != body->end() && t->is_string()) {
      text = std::string(util::Trim(t->get_ref<const std::string&>()));
    }
    if (text.empty()) {
      return SendError(res, BadArgument("Votre avis est vide : écrivez quelques mots."));
    }
    if (text.size() > options.feedback.max_text_bytes) {
      return SendError(res,
                       {413, "payload_too_large",
                        "Votre avis dépasse " + std::to_string(options.feedback.max_text_bytes) +
                            " octets : raccourcissez-le."});
    }
    if (HasControlChars(text, true)) {
      return SendError(res, BadArgument("Votre avis contient des caractères non autorisés."));
    }
    if (!email.empty() && !PlausibleEmail(email)) {
      return SendError(res, BadArgument("L'adresse électronique n'est pas valide."));
    }

    if (int64_t wait = state->per_service.Take(service); wait > 0) {
      return SendRateLimited(res, wait, "Ce service reçoit trop d'avis en ce moment.");
    }

    const std::string reference = NewReference();
    Message m;
    m.service = service;
    m.channel = Channel::kFeedback;
    m.sender_name = name;
    m.sender_email = email;
    m.received_at_ms = clock.NowMillis();
    m.subject = "Avis " + std::to_string(rating) + "/5" +
                (procedure.empty() ? std::string() : " : " + procedure);
    m.body = text + "\n\n--\nAvis déposé avec le formulaire « Je donne mon avis »\n";
    if (!procedure.empty()) m.body += "Démarche : " + procedure + "\n";
    m.body += "Satisfaction : " + std::to_string(rating) + "/5\n";
    if (ease > 0) m.body += "Facilité : " + std::to_string(ease) + "/5\n";
    if (const std::string origin = req.get_header_value("Origin");
        !origin.empty() && origin.size() <= kMaxProcedureBytes && util::IsValidUtf8(origin) &&
        !HasControlChars(origin, false)) {
      m.body += "Site : " + origin + "\n";
    }
    m.body += "Référence : " + reference + "\n";
    if (Status s = StoreIncomingMessage(&m); !s.ok()) return SendStoreError(res, s);
    SendJson(res, 201, Receipt(reference));
  });
}

}  // namespace plume::http
