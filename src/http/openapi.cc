#include "http/openapi.h"

#include <nlohmann/json.hpp>

namespace plume::http {
namespace {

using json = nlohmann::json;

json With(json a, const json& b) {
  a.update(b);
  return a;
}

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json JsonBody(const json& schema) {
  return {{"required", true}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

json JsonResponse(const std::string& description, const json& schema) {
  return {{"description", description}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

json Errors(std::initializer_list<int> codes) {
  json out = json::object();
  for (int c : codes) out[std::to_string(c)] = {{"$ref", "#/components/responses/Error"}};
  return out;
}

json Op(const std::string& summary, json responses, const json& security = nullptr) {
  json op = {{"summary", summary}, {"responses", std::move(responses)}};
  if (!security.is_null()) op["security"] = security;
  return op;
}

json Obj(json properties, std::vector<std::string> required = {}) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) o["required"] = required;
  return o;
}

json Str() { return {{"type", "string"}}; }
json Int() { return {{"type", "integer"}, {"format", "int64"}}; }
json DateTime() { return {{"type", "string"}, {"format", "date-time"}}; }
json NullableInt() { return {{"type", "integer"}, {"format", "int64"}, {"nullable", true}}; }
json Enum(std::vector<std::string> values) { return {{"type", "string"}, {"enum", values}}; }
json Array(const json& items) { return {{"type", "array"}, {"items", items}}; }
json IdParam(const std::string& name) {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"schema", Int()}};
}
json Query(const std::string& name, const json& schema) {
  return {{"name", name}, {"in", "query"}, {"required", false}, {"schema", schema}};
}

json Build() {
  const json session = json::array({{{"session", json::array()}}});
  const json session_or_token =
      json::array({{{"session", json::array()}}, {{"bearer", json::array()}}});
  json schemas = {
      {"Error",
       Obj({{"error", Obj({{"code", Enum({"invalid_json", "invalid_argument", "payload_too_large",
                                          "unauthenticated", "forbidden", "csrf", "not_found",
                                          "conflict", "rate_limited", "unavailable", "internal"})},
                           {"message", Str()}},
                          {"code", "message"})}},
           {"error"})},
      {"Agent", Obj({{"id", Int()},
                     {"login", Str()},
                     {"display_name", Str()},
                     {"role", Enum({"agent", "supervisor", "admin"})},
                     {"service", Str()}})},
      {"Message", Obj({{"id", Int()},
                       {"service", Str()},
                       {"channel", Enum({"api", "web_form", "feedback", "email", "import"})},
                       {"sender_name", Str()},
                       {"sender_email", Str()},
                       {"subject", Str()},
                       {"body", Str()},
                       {"received_at", DateTime()},
                       {"status", Enum({"new", "in_progress", "answered", "closed"})},
                       {"assigned_agent", Str()},
                       {"intent", Str()},
                       {"queue", Str()}})},
      {"Source",
       Obj({{"document_id", Str()}, {"title", Str()}, {"url", Str()}, {"source_date", Str()}})},
      {"Draft", Obj({{"id", Int()},
                     {"message_id", Int()},
                     {"engine", Enum({"embedded", "generative"})},
                     {"engine_version", Str()},
                     {"prompt_version", Str()},
                     {"text", Str()},
                     {"sources", Array(Ref("Source"))},
                     {"warnings", Array(Str())},
                     {"created_at", DateTime()},
                     {"latency_ms", Int()}})},
      {"Decision", Obj({{"id", Int()},
                        {"message_id", Int()},
                        {"draft_id", NullableInt()},
                        {"agent", Str()},
                        {"kind", Enum({"accepted", "edited", "discarded", "written_without_ai"})},
                        {"final_text", Str()},
                        {"edit_distance", Int()},
                        {"decided_at", DateTime()}})},
      {"ReplyTemplate", Obj({{"id", Int()},
                             {"service", Str()},
                             {"title", Str()},
                             {"body", Str()},
                             {"intent", Str()},
                             {"document_ids", Array(Str())},
                             {"status", Enum({"candidate", "approved", "rejected"})},
                             {"proposed_by", Str()},
                             {"proposed_at", DateTime()},
                             {"reviewed_by", Str()},
                             {"reviewed_at", {{"type", "string"}, {"nullable", true}}},
                             {"decision_id", NullableInt()}})},
      {"AuditEntry", Obj({{"id", Int()},
                          {"at", DateTime()},
                          {"service", Str()},
                          {"agent", Str()},
                          {"action", Str()},
                          {"message_id", NullableInt()},
                          {"draft_id", NullableInt()},
                          {"engine", Str()},
                          {"prompt_version", Str()},
                          {"sources", Array(Str())},
                          {"decision", Str()},
                          {"final_text", Str()},
                          {"detail", Str()}})},
      {"Counts",
       Obj({{"new", Int()}, {"in_progress", Int()}, {"answered", Int()}, {"closed", Int()}})},
  };
  // The inbox's list view: a Message whose body is replaced by an excerpt.
  json summary = schemas["Message"];
  summary["properties"].erase("body");
  summary["properties"]["excerpt"] = Str();
  schemas["MessageSummary"] = std::move(summary);
  const json agent_and_csrf = Obj({{"agent", Ref("Agent")}, {"csrf_token", Str()}});
  // Routing rules (issue #6): service "" holds the rules shared by every service.
  const json routing =
      Obj({{"services", Array(Obj({{"service", Str()},
                                   {"default_queue", Str()},
                                   {"qualification_queue", Str()},
                                   {"min_confidence", {{"type", "number"}, {"nullable", true}}}},
                                  {"service"}))},
           {"rules", Array(Obj({{"service", Str()}, {"intent", Str()}, {"queue", Str()}},
                               {"intent", "queue"}))}},
          {"services", "rules"});
  json paths = {
      {"/api/health",
       {{"get", Op("Liveness, the store's knowledge_version and, with plume serve, this node's "
                   "index_version (equal once its local index has caught up)",
                   {{"200", {{"description", "OK"}}}})}}},
      {"/api/openapi.json", {{"get", Op("This document", {{"200", {{"description", "OK"}}}})}}},
      {"/api/auth/login",
       {{"post", With(Op("Log in; sets the plume_session cookie (HttpOnly, SameSite=Strict)",
                         With(Errors({400, 401, 429}),
                              {{"200", JsonResponse("Logged in", agent_and_csrf)}}),
                         json::array()),
                      {{"requestBody", JsonBody(Obj({{"login", Str()}, {"password", Str()}},
                                                    {"login", "password"}))}})}}},
      {"/api/auth/logout",
       {{"post",
         Op("Log out (CSRF)", With(Errors({401, 403}), {{"204", {{"description", "Logged out"}}}}),
            session)}}},
      {"/api/auth/me",
       {{"get", Op("Current agent",
                   With(Errors({401}), {{"200", JsonResponse("OK", agent_and_csrf)}}), session)}}},
      {"/api/messages",
       {{"get",
         With(Op("List the caller's service's messages, ordered by id. view=summary (the "
                 "inbox) gives each message an excerpt (160 characters) instead of its body",
                 With(Errors({400, 401, 403}),
                      {{"200", JsonResponse("Page", Obj({{"messages",
                                                          {{"oneOf",
                                                            {Array(Ref("Message")),
                                                             Array(Ref("MessageSummary"))}}}},
                                                         {"next_after_id", NullableInt()},
                                                         {"counts", Ref("Counts")}}))}}),
                 session_or_token),
              {{"parameters",
                {Query("status", Enum({"new", "in_progress", "answered", "closed"})),
                 Query("channel", Enum({"api", "web_form", "feedback", "email", "import"})),
                 Query("from", DateTime()), Query("to", DateTime()), Query("after_id", Int()),
                 Query("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}),
                 Query("service", Str()), Query("queue", Str()),
                 Query("view", Enum({"full", "summary"}))}}})},
        {"post",
         With(Op("Create a message (body required, at most 100 kB)",
                 With(Errors({400, 401, 403, 413}),
                      {{"201", JsonResponse("Created", Obj({{"message", Ref("Message")}}))}}),
                 session_or_token),
              {{"requestBody", JsonBody(Obj({{"channel", Str()},
                                             {"sender_name", Str()},
                                             {"sender_email", Str()},
                                             {"subject", Str()},
                                             {"body", Str()},
                                             {"received_at", DateTime()},
                                             {"service", Str()}},
                                            {"body"}))}})}}},
      {"/api/messages/{id}",
       {{"get",
         With(Op("A message with its drafts and decisions",
                 With(Errors({401, 404}),
                      {{"200", JsonResponse("OK", Obj({{"message", Ref("Message")},
                                                       {"drafts", Array(Ref("Draft"))},
                                                       {"decisions", Array(Ref("Decision"))}}))}}),
                 session_or_token),
              {{"parameters", {IdParam("id")}}})}}},
      {"/api/messages/{id}/assign",
       {{"post", With(Op("Assign to an agent of the service (default: self)",
                         With(Errors({400, 401, 403, 404}),
                              {{"200", JsonResponse("OK", Obj({{"message", Ref("Message")}}))}}),
                         session),
                      {{"parameters", {IdParam("id")}},
                       {"requestBody", JsonBody(Obj({{"agent_login", Str()}}))}})}}},
      {"/api/engines",
       {{"get",
         Op("Drafting engines, the default first",
            {{"200", JsonResponse("OK", Obj({{"engines", Array(Str())}, {"default", Str()}}))}},
            session)}}},
      {"/api/messages/{id}/drafts",
       {{"post",
         With(Op("Propose a draft. With Accept: text/event-stream the answer is an SSE stream of "
                 "`delta` events ({text}) then one `draft` event ({draft fields}) or `error` event",
                 With(Errors({400, 401, 403, 404, 503}),
                      {{"201", JsonResponse("Created", Obj({{"draft", Ref("Draft")}}))}}),
                 session),
              {{"parameters", {IdParam("id")}},
               {"requestBody", JsonBody(Obj({{"engine", Str()}}))}})}}},
      {"/api/drafts/{id}/discard",
       {{"post",
         With(Op("Discard a draft (recorded)",
                 With(Errors({401, 403, 404}),
                      {{"201", JsonResponse("Recorded", Obj({{"decision", Ref("Decision")}}))}}),
                 session),
              {{"parameters", {IdParam("id")}}})}}},
      {"/api/messages/{id}/reply",
       {{"post", With(Op("Send the reply (agent session and CSRF only; audited). Kind is derived: "
                         "written_without_ai, accepted or edited (edit distance in code points)",
                         With(Errors({400, 401, 403, 404, 409, 413}),
                              {{"201", JsonResponse("Sent", Obj({{"decision", Ref("Decision")},
                                                                 {"message", Ref("Message")}}))}}),
                         session),
                      {{"parameters", {IdParam("id")}},
                       {"requestBody", JsonBody(Obj({{"draft_id", NullableInt()}, {"text", Str()}},
                                                    {"text"}))}})}}},
      {"/api/audit",
       {{"get",
         With(Op("Audit trail (supervisor: own service; admin: all)",
                 With(Errors({400, 401, 403}),
                      {{"200", JsonResponse("Page", Obj({{"entries", Array(Ref("AuditEntry"))},
                                                         {"next_after_id", NullableInt()}}))}}),
                 session),
              {{"parameters",
                {Query("message_id", Int()), Query("after_id", Int()), Query("limit", Int()),
                 Query("service", Str())}}})}}},
      {"/api/admin/agents",
       {{"post",
         With(Op("Create an account (admin)",
                 With(Errors({400, 401, 403, 409}),
                      {{"201", JsonResponse("Created", Obj({{"agent", Ref("Agent")}}))}}),
                 session),
              {{"requestBody", JsonBody(Obj({{"login", Str()},
                                             {"display_name", Str()},
                                             {"password", Str()},
                                             {"role", Enum({"agent", "supervisor", "admin"})},
                                             {"service", Str()}},
                                            {"login", "password", "role", "service"}))}})}}},
      {"/api/admin/tokens",
       {{"post",
         With(Op("Create an API token for a service (admin); shown once",
                 With(Errors({400, 401, 403}),
                      {{"201", JsonResponse("Created", Obj({{"token", Str()}, {"id", Int()}}))}}),
                 session),
              {{"requestBody",
                JsonBody(Obj({{"service", Str()}, {"label", Str()}}, {"service"}))}})}}},
      {"/api/search",
       {{"get", With(Op("BM25 search in the official fiches",
                        With(Errors({400, 401}), {{"200", {{"description", "Results"}}}}), session),
                     {{"parameters",
                       {Query("q", Str()), Query("limit", Int()), Query("audience", Str()),
                        Query("source", Str())}}})}}},
      {"/api/documents/{audience}/{id}",
       {{"get",
         With(Op("One knowledge document",
                 With(Errors({401, 404}), {{"200", {{"description", "Document"}}}}), session),
              {{"parameters",
                {{{"name", "audience"}, {"in", "path"}, {"required", true}, {"schema", Str()}},
                 {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", Str()}}}}})}}},
      // Outcomes (issue #5).
      // Réponses types from sent replies (issue #3).
      {"/api/decisions/{id}/template-candidate",
       {{"post",
         With(Op("Propose a sent reply as réponse type (agent session + CSRF). Personal data is "
                 "replaced by slots ({{nom}}, {{civilite}}) or placeholders; greeting and closing "
                 "are removed. Unknown, unsent or another service's reply: 404; proposed twice: "
                 "409",
                 With(Errors({400, 401, 403, 404, 409, 503}),
                      {{"201", JsonResponse("Candidate", Obj({{"template", Ref("ReplyTemplate")},
                                                              {"removed", Array(Str())}}))}}),
                 session),
              {{"parameters", {IdParam("id")}},
               {"requestBody", With(JsonBody(Obj({{"title", Str()}})), {{"required", false}})}})}}},
      {"/api/templates",
       {{"get",
         With(Op("Réponses types of the caller's service: agents see approved ones; supervisors "
                 "any status; admins all services (or ?service=)",
                 With(Errors({400, 401, 403}),
                      {{"200", JsonResponse("List", Obj({{"templates", Array(Ref("ReplyTemplate"))},
                                                         {"version", Int()}}))}}),
                 session),
              {{"parameters",
                {Query("status", Enum({"candidate", "approved", "rejected"})),
                 Query("service", Str())}}})}}},
      {"/api/templates/{id}/approve",
       {{"post",
         With(Op("Approve a réponse type (supervisor/admin of its service, CSRF), optionally with "
                 "an edited body (valid mustache, 20 KiB at most) or title; the drafting engines "
                 "then use it. An edited body holding personal data (values of its fiches "
                 "excepted): 422 personal_data with error.findings [{kind, label, text}], nothing "
                 "stored. Another service's template: 404",
                 With(Errors({400, 401, 403, 404, 422, 503}),
                      {{"200",
                        JsonResponse("Reviewed", Obj({{"template", Ref("ReplyTemplate")}}))}}),
                 session),
              {{"parameters", {IdParam("id")}},
               {"requestBody", With(JsonBody(Obj({{"body", Str()}, {"title", Str()}})),
                                    {{"required", false}})}})}}},
      {"/api/templates/{id}/reject",
       {{"post",
         With(Op("Reject a réponse type (supervisor/admin of its service, CSRF); also withdraws "
                 "an approved one. An edited body is checked as on approval (422)",
                 With(Errors({400, 401, 403, 404, 422, 503}),
                      {{"200",
                        JsonResponse("Reviewed", Obj({{"template", Ref("ReplyTemplate")}}))}}),
                 session),
              {{"parameters", {IdParam("id")}},
               {"requestBody", With(JsonBody(Obj({{"body", Str()}, {"title", Str()}})),
                                    {{"required", false}})}})}}},
      {"/api/drafts/{id}/feedback",
       {{"post", With(Op("Agent's thumbs up/down on a draft; one per agent and draft (replaced)",
                         With(Errors({400, 401, 403, 404}),
                              {{"201", {{"description", "Recorded: {feedback}"}}}}),
                         session),
                      {{"parameters", {IdParam("id")}},
                       {"requestBody",
                        JsonBody(Obj({{"thumbs_up", {{"type", "boolean"}}},
                                      {"reasons", Array(Enum({"inexact", "incomplet", "hors_sujet",
                                                              "ton", "source_obsolete"}))},
                                      {"comment", Str()}},
                                     {"thumbs_up"}))}})}}},
      {"/api/satisfaction/{token}",
       {{"post",
         With(Op("Citizen's rating of a reply (public, no login; rate-limited). Unknown, forged "
                 "or expired token: 404; rated more than a week ago: 410",
                 With(Errors({400, 404, 410, 429}), {{"200", {{"description", "{rating}"}}}})),
              {{"parameters",
                {{{"name", "token"}, {"in", "path"}, {"required", true}, {"schema", Str()}}}},
               {"requestBody", JsonBody(Obj({{"score", Int()},
                                             {"useful", {{"type", "boolean"}, {"nullable", true}}},
                                             {"comment", Str()}},
                                            {"score"}))}})}}},
      {"/api/v1/feedback",
       {{"post",
         With(Op("Citizen's feedback from the embeddable widget /widget/avis.js (public, no "
                 "login, no cookies; CORS for the configured origins, other origins 403; "
                 "rate-limited per address and per service, 429 with Retry-After). Creates a "
                 "message of channel feedback. A non-empty `website` (honeypot) is dropped "
                 "silently. Service not accepting feedback: 404; text too long: 413",
                 With(Errors({400, 403, 404, 413, 429}),
                      {{"201",
                        JsonResponse("Receipt", Obj({{"receipt", Obj({{"reference", Str()},
                                                                      {"message", Str()}})}}))}})),
              {{"requestBody",
                JsonBody(Obj({{"service", Str()},
                              {"rating", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5}}},
                              {"ease", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5}}},
                              {"text", Str()},
                              {"procedure", Str()},
                              {"name", Str()},
                              {"email", {{"type", "string"}, {"format", "email"}}},
                              {"website", Str()}},
                             {"service", "rating", "text"}))}})},
        {"options", Op("CORS preflight (allowed origin: 204; other origin: 403)",
                       With(Errors({400, 403}), {{"204", {{"description", "Allowed"}}}}))}}},
      {"/api/outbox",
       {{"get",
         With(Op("Reply e-mails of the outbox (supervisor: own service; admin: any or "
                 "?service=). Entries: id, message_id, state, state_label, attempts, "
                 "last_error, next_attempt_at, sent_at",
                 With(Errors({400, 401, 403}), {{"200", {{"description", "Entries"}}}}), session),
              {{"parameters",
                {Query("state", Enum({"pending", "sent", "failed"})), Query("after_id", Int()),
                 Query("limit", Int()), Query("service", Str())}}})}}},
      {"/api/outbox/{id}/retry",
       {{"post",
         Op("Puts a failed reply e-mail back in the queue (agent session + CSRF; another "
            "service's entry: 404; not failed: 409)",
            With(Errors({401, 403, 404, 409}), {{"200", {{"description", "Entry"}}}}), session)}}},
      {"/api/messages/{id}/attachments/{attachment_id}",
       {{"get", Op("An attachment of a received e-mail, as application/octet-stream download "
                   "(not kept because too large: 410)",
                   With(Errors({401, 404, 410}), {{"200", {{"description", "Bytes"}}}}),
                   session_or_token)}}},
      // Intent routing (issue #6).
      {"/api/intents",
       {{"get", Op("Intent labels of the taxonomy, and the \"to qualify\" pseudo-label",
                   With(Errors({401, 503}), {{"200", {{"description", "Labels"}}}}), session)}}},
      {"/api/admin/routing",
       {{"get",
         Op("Routing rules (admin: all; supervisor: shared and own service's; read only)",
            With(Errors({401, 403, 503}), {{"200", JsonResponse("Rules", routing)}}), session)},
        {"put",
         With(Op("Replace every routing rule (admin); audited. 400 for an unknown intent, an "
                 "empty queue, a duplicate rule or a missing shared default queue",
                 With(Errors({400, 401, 403, 503}), {{"200", JsonResponse("Rules", routing)}}),
                 session),
              {{"requestBody", JsonBody(routing)}})}}},
      {"/api/messages/{id}/intent",
       {{"post",
         With(Op("Agent's correction of the predicted intent: re-routes the message, stores a "
                 "pseudonymised training example, audited",
                 With(Errors({400, 401, 403, 404, 503}),
                      {{"200", JsonResponse("OK", Obj({{"message", Ref("Message")}}))}}),
                 session),
              {{"parameters", {IdParam("id")}},
               {"requestBody", JsonBody(Obj({{"intent", Str()}}, {"intent"}))}})}}},
      {"/api/metrics/outcomes",
       {{"get",
         With(Op("Outcome figures (supervisor: own service; admin: any). Dates YYYY-MM-DD, `to` "
                 "inclusive; default: last 8 weeks. `.csv` variant: same figures as CSV",
                 With(Errors({400, 401, 403, 404}), {{"200", {{"description", "Report"}}}}),
                 session),
              {{"parameters",
                {Query("from", Str()), Query("to", Str()), Query("service", Str()),
                 Query("granularity", Enum({"day", "week"}))}}})}}},
  };
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Plume API"},
        {"version", "1"},
        {"description",
         "Brouillons de réponses aux messages des usagers, toujours validés par un agent. "
         "Errors: {\"error\":{\"code\",\"message\"}} with a French message. Cookie sessions "
         "must send X-CSRF-Token on POST."}}},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"responses", {{"Error", JsonResponse("Error (French message)", Ref("Error"))}}},
        {"securitySchemes",
         {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "plume_session"}}},
          {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
  };
}

}  // namespace

std::string OpenApiDocument() {
  static const std::string kDocument = Build().dump();
  return kDocument;
}

}  // namespace plume::http
