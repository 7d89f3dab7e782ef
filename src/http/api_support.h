// Building blocks shared by the HTTP route groups: the JSON error contract, request-body
// parsing with French 400 messages, and the JSON renderings of store records.
//
// Private to src/http (includes httplib and nlohmann/json): no other module includes it.
// Thread-safety: free functions without shared state; t_log is per worker thread.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"
#include "plume/store.h"

namespace plume::http {

using json = nlohmann::json;

inline constexpr std::string_view kSessionCookie = "plume_session";
inline constexpr int kMaxListLimit = 200;
inline constexpr size_t kMaxShortField = 1024;

// An error as the API reports it: HTTP status, contract code, French message.
struct ApiError {
  int status;
  std::string code;
  std::string message;
};

// Per-request data for the access log; a request is handled on one worker thread from routing
// to logging.
struct RequestLog {
  std::chrono::steady_clock::time_point start{};
  std::string principal;
};
inline thread_local RequestLog t_log;

std::string Dump(const json& j);
void SendJson(httplib::Response& res, int status, const json& body);
json ErrorBody(const ApiError& e);
void SendError(httplib::Response& res, const ApiError& e);
// Maps a Status to the contract. Statuses built by the handlers and the authenticator carry
// French messages; backend failures get a generic French message and their detail goes to the log.
ApiError FromStatus(const Status& s);
void SendStatus(httplib::Response& res, const Status& s);
// A store failure in a handler: the store's English not-found / invalid-argument texts are
// reworded; everything else goes through FromStatus.
void SendStoreError(httplib::Response& res, const Status& s);

ApiError MessageNotFound();
ApiError DraftNotFound();
ApiError Forbidden(std::string m);
ApiError BadArgument(std::string m);
ApiError TooLarge();

// A positive decimal id, or nullopt.
std::optional<int64_t> ParseId(std::string_view s);
// The JSON object in the request body (an empty body is {} when `allow_empty`); on failure sends
// 400 invalid_json and returns nullopt.
std::optional<json> ParseObject(const httplib::Request& req, httplib::Response& res,
                                bool allow_empty);
// Optional typed fields: absent or null leaves *out unchanged; another type sends 400 and
// returns false.
bool GetString(const json& body, const char* key, std::string* out, httplib::Response& res);
bool GetInt(const json& body, const char* key, std::optional<int64_t>* out, httplib::Response& res);
// Keyset pagination of list routes: ?after_id= (0 or a positive id) and ?limit= (1..kMaxListLimit,
// default 50). On bad input sends 400 and returns nullopt.
struct PageRequest {
  int64_t after_id = 0;
  int limit = 50;
};
std::optional<PageRequest> ParsePageRequest(const httplib::Request& req, httplib::Response& res);
// For rows fetched with limit + 1 (the extra row tells whether a next page exists): keeps the
// first `limit` rows and returns the id to pass as after_id for the next page, or null.
template <typename Row>
std::optional<int64_t> TakePageId(std::vector<Row>* rows, int limit) {
  if (rows->size() <= static_cast<size_t>(limit)) return std::nullopt;
  rows->resize(static_cast<size_t>(limit));
  return rows->back().id;
}
// Same, as JSON (null when there is no next page).
template <typename Row>
json TakePage(std::vector<Row>* rows, int limit) {
  auto id = TakePageId(rows, limit);
  return id ? json(*id) : json(nullptr);
}

// Sends 400 and returns false when `value` exceeds kMaxShortField bytes.
bool RequireShort(const std::string& value, const char* key, httplib::Response& res);
std::string CookieValue(const httplib::Request& req, std::string_view name);

json AgentJson(const Agent& a);
json MessageJson(const Message& m);
json DraftJson(const Draft& d);
json DecisionJson(const Decision& d);
json AuditJson(const AuditEntry& e);
json CountsJson(const MessageCounts& c);
json FeedbackJson(const DraftFeedback& f);
std::vector<std::string> SourceIds(const Draft& d);
std::string SseEvent(std::string_view event, const json& data);
bool IsStateChanging(const std::string& method);

}  // namespace plume::http
