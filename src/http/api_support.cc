#include "http/api_support.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "http/text_metrics.h"
#include "util/text.h"

namespace plume::http {

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(Dump(body), "application/json; charset=utf-8");
}

json ErrorBody(const ApiError& e) {
  return {{"error", {{"code", e.code}, {"message", e.message}}}};
}

void SendError(httplib::Response& res, const ApiError& e) { SendJson(res, e.status, ErrorBody(e)); }

// Maps a Status to the contract. Statuses built by the handlers and the authenticator carry French
// messages; backend failures (database, drafter internals) get a generic French message and their
// detail goes to the log only.
ApiError FromStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return {400, "invalid_argument", s.message()};
    case StatusCode::kUnauthenticated:
      return {401, "unauthenticated", s.message()};
    case StatusCode::kPermissionDenied:
      return {403, "forbidden", s.message()};
    case StatusCode::kNotFound:
      return {404, "not_found", s.message()};
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return {409, "conflict", s.message()};
    case StatusCode::kResourceExhausted:
      return {429, "rate_limited", s.message()};
    case StatusCode::kUnavailable:
      spdlog::warn("unavailable: {}", s.message());
      return {503, "unavailable", "Service momentanément indisponible, réessayez plus tard."};
    case StatusCode::kDeadlineExceeded:
      spdlog::warn("deadline exceeded: {}", s.message());
      return {503, "unavailable", "Le délai de réponse est dépassé, réessayez plus tard."};
    default:
      spdlog::error("internal error: {}", s.ToString());
      return {500, "internal", "Erreur interne du serveur."};
  }
}

void SendStatus(httplib::Response& res, const Status& s) { SendError(res, FromStatus(s)); }

// A store failure in a handler: not-found and invalid-argument statuses of the store carry English
// text, so they are reworded; everything else goes through FromStatus.
void SendStoreError(httplib::Response& res, const Status& s) {
  if (s.code() == StatusCode::kNotFound) {
    return SendError(res, {404, "not_found", "Ressource introuvable."});
  }
  if (s.code() == StatusCode::kInvalidArgument) {
    spdlog::info("store rejected a value: {}", s.message());
    return SendError(res, {400, "invalid_argument", "Valeur refusée par la base de données."});
  }
  SendStatus(res, s);
}

ApiError MessageNotFound() { return {404, "not_found", "Message introuvable."}; }
ApiError DraftNotFound() { return {404, "not_found", "Brouillon introuvable."}; }
ApiError Forbidden(std::string m) { return {403, "forbidden", std::move(m)}; }
ApiError BadArgument(std::string m) { return {400, "invalid_argument", std::move(m)}; }
ApiError TooLarge() {
  return {413, "payload_too_large", "Le texte dépasse la taille maximale autorisée."};
}

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// The JSON object in the request body. An empty body is {} when `allow_empty`.
std::optional<json> ParseObject(const httplib::Request& req, httplib::Response& res,
                                bool allow_empty) {
  if (req.body.empty()) {
    if (allow_empty) return json::object();
    SendError(res, {400, "invalid_json", "Le corps de la requête doit être un objet JSON."});
    return std::nullopt;
  }
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded()) {
    SendError(res, {400, "invalid_json",
                    "Le corps de la requête n'est pas du JSON valide (ou pas de l'UTF-8)."});
    return std::nullopt;
  }
  if (!j.is_object()) {
    SendError(res, {400, "invalid_json", "Le corps de la requête doit être un objet JSON."});
    return std::nullopt;
  }
  return j;
}

// Reads an optional string field. Sends 400 and returns false when it has another type.
bool GetString(const json& body, const char* key, std::string* out, httplib::Response& res) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) {
    SendError(res, BadArgument(std::string("Le champ « ") + key +
                               " » doit être une chaîne de caractères."));
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

bool GetInt(const json& body, const char* key, std::optional<int64_t>* out,
            httplib::Response& res) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_number_integer()) {
    SendError(res, BadArgument(std::string("Le champ « ") + key + " » doit être un entier."));
    return false;
  }
  *out = it->get<int64_t>();
  return true;
}

std::optional<PageRequest> ParsePageRequest(const httplib::Request& req, httplib::Response& res) {
  PageRequest page;
  if (req.has_param("after_id")) {
    std::string v = req.get_param_value("after_id");
    auto id = v == "0" ? std::optional<int64_t>(0) : ParseId(v);
    if (!id) {
      SendError(res, BadArgument("after_id doit être un entier positif."));
      return std::nullopt;
    }
    page.after_id = *id;
  }
  if (req.has_param("limit")) {
    auto limit = ParseId(req.get_param_value("limit"));
    if (!limit || *limit > kMaxListLimit) {
      SendError(res, BadArgument("limit doit être un entier entre 1 et 200."));
      return std::nullopt;
    }
    page.limit = static_cast<int>(*limit);
  }
  return page;
}

bool RequireShort(const std::string& value, const char* key, httplib::Response& res) {
  if (value.size() > kMaxShortField) {
    SendError(res, BadArgument(std::string("Le champ « ") + key + " » est trop long."));
    return false;
  }
  return true;
}

std::string CookieValue(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view part = util::Trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
  }
  return "";
}

json AgentJson(const Agent& a) {
  return {{"id", a.id},
          {"login", a.login},
          {"display_name", a.display_name},
          {"role", ToString(a.role)},
          {"service", a.service}};
}

json MessageJson(const Message& m) {
  // Emplaced one by one: a braced list first builds a two-element array per field, which made up
  // most of the inbox list's time (50 messages per page).
  json out = json::object();
  auto& o = out.get_ref<json::object_t&>();
  o.emplace("id", m.id);
  o.emplace("service", m.service);
  o.emplace("channel", ToString(m.channel));
  o.emplace("sender_name", m.sender_name);
  o.emplace("sender_email", m.sender_email);
  o.emplace("subject", m.subject);
  o.emplace("body", m.body);
  o.emplace("received_at", FormatIsoUtc(m.received_at_ms));
  o.emplace("status", ToString(m.status));
  o.emplace("assigned_agent", m.assigned_agent);
  o.emplace("intent", m.intent);
  o.emplace("queue", m.queue);
  return out;
}

json DraftJson(const Draft& d) {
  json sources = json::array();
  for (const auto& s : d.sources) {
    sources.push_back({{"document_id", s.document_id},
                       {"title", s.title},
                       {"url", s.url},
                       {"source_date", s.source_date}});
  }
  return {{"id", d.id},
          {"message_id", d.message_id},
          {"engine", d.engine},
          {"engine_version", d.engine_version},
          {"prompt_version", d.prompt_version},
          {"text", d.text},
          {"sources", sources},
          {"warnings", d.warnings},
          {"created_at", FormatIsoUtc(d.created_at_ms)},
          {"latency_ms", d.latency_ms}};
}

json DecisionJson(const Decision& d) {
  return {{"id", d.id},
          {"message_id", d.message_id},
          {"draft_id", d.draft_id ? json(*d.draft_id) : json(nullptr)},
          {"agent", d.agent},
          {"kind", ToString(d.kind)},
          {"final_text", d.final_text},
          {"edit_distance", d.edit_distance},
          {"decided_at", FormatIsoUtc(d.decided_at_ms)}};
}

json AuditJson(const AuditEntry& e) {
  return {{"id", e.id},
          {"at", FormatIsoUtc(e.at_ms)},
          {"service", e.service},
          {"agent", e.agent},
          {"action", e.action},
          {"message_id", e.message_id ? json(*e.message_id) : json(nullptr)},
          {"draft_id", e.draft_id ? json(*e.draft_id) : json(nullptr)},
          {"engine", e.engine},
          {"prompt_version", e.prompt_version},
          {"sources", e.sources},
          {"decision", e.decision},
          {"final_text", e.final_text},
          {"detail", e.detail}};
}

json CountsJson(const MessageCounts& c) {
  return {{"new", c.new_messages},
          {"in_progress", c.in_progress},
          {"answered", c.answered},
          {"closed", c.closed}};
}

std::vector<std::string> SourceIds(const Draft& d) {
  std::vector<std::string> ids;
  for (const auto& s : d.sources) ids.push_back(s.document_id);
  return ids;
}

std::string SseEvent(std::string_view event, const json& data) {
  return "event: " + std::string(event) + "\ndata: " + Dump(data) + "\n\n";
}

bool IsStateChanging(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

json FeedbackJson(const DraftFeedback& f) {
  std::vector<std::string> reasons;
  for (FeedbackReason r : f.reasons) reasons.emplace_back(ToString(r));
  return {{"id", f.id},
          {"draft_id", f.draft_id},
          {"message_id", f.message_id},
          {"agent", f.agent},
          {"thumbs_up", f.thumbs_up},
          {"reasons", reasons},
          {"comment", f.comment},
          {"created_at", FormatIsoUtc(f.created_at_ms)}};
}

}  // namespace plume::http
