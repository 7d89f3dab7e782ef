#include "llm/openai_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>
#include <utility>

#include "llm/sse_parser.h"
#include "util/text.h"

namespace plume::llm {
namespace {

using Json = nlohmann::json;

constexpr const char* kUserAgent = "plume-llm/0.1";
constexpr size_t kMaxQuotedBody = 300;

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

Status GlobalInit() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (code != CURLE_OK) {
    return Internal(std::string("curl_global_init failed: ") + curl_easy_strerror(code));
  }
  return Status::Ok();
}

// `text` shortened for an error message, always valid UTF-8.
std::string Quote(std::string_view text) {
  if (!util::IsValidUtf8(text)) return "<" + std::to_string(text.size()) + " bytes, not UTF-8>";
  std::string_view head = util::TruncateUtf8(text, kMaxQuotedBody);
  std::string out(head);
  if (head.size() < text.size()) out += "...";
  return out;
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimHeaderValue(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                            value.back() == '\n')) {
    value.remove_suffix(1);
  }
  return value;
}

bool IsJsonContentType(std::string_view content_type) {
  return ToLowerAscii(content_type).find("json") != std::string::npos;
}

std::string StringOr(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

void ParseUsage(const Json& object, TokenUsage* usage) {
  auto it = object.find("usage");
  if (it == object.end() || !it->is_object()) return;
  auto prompt = it->find("prompt_tokens");
  if (prompt != it->end() && prompt->is_number_integer()) usage->prompt_tokens = *prompt;
  auto completion = it->find("completion_tokens");
  if (completion != it->end() && completion->is_number_integer()) {
    usage->completion_tokens = *completion;
  }
}

Status StatusForHttp(long http_status, std::string message) {
  switch (http_status) {
    case 400:
    case 413:
    case 422:
      return InvalidArgument(std::move(message));
    case 401:
      return Unauthenticated(std::move(message));
    case 403:
      return PermissionDenied(std::move(message));
    case 404:
      return NotFound(std::move(message));
    case 408:
      return DeadlineExceeded(std::move(message));
    case 429:
      return ResourceExhausted(std::move(message));
    default:
      break;
  }
  if (http_status >= 500) return Unavailable(std::move(message));
  if (http_status >= 400) return InvalidArgument(std::move(message));
  return Internal(std::move(message));
}

// The human-readable part of an error: {"error":{"message","type","code"}} (OpenAI, vLLM,
// llama.cpp, Ollama), {"message", "type", "code"} at top level (older vLLM), {"detail": ...}
// (FastAPI gateways), {"error": "text"}, or the raw body.
std::string ErrorDetail(const Json& body) {
  const Json* error = &body;
  if (body.is_object() && body.contains("error")) {
    const Json& inner = body["error"];
    if (inner.is_string()) return inner.get<std::string>();
    if (inner.is_object()) error = &inner;
  }
  std::string message = StringOr(*error, "message");
  if (message.empty() && body.is_object() && body.contains("detail")) {
    const Json& detail = body["detail"];
    message = detail.is_string() ? detail.get<std::string>() : detail.dump();
  }
  if (message.empty()) return Quote(body.dump());
  std::string type = StringOr(*error, "type");
  std::string code;
  if (error->is_object() && error->contains("code") && !(*error)["code"].is_null()) {
    const Json& c = (*error)["code"];
    code = c.is_string() ? c.get<std::string>() : c.dump();
  }
  if (!type.empty() || !code.empty()) {
    message += " (";
    if (!type.empty()) message += "type=" + type;
    if (!type.empty() && !code.empty()) message += ", ";
    if (!code.empty()) message += "code=" + code;
    message += ")";
  }
  return message;
}

Status ErrorFromResponse(long http_status, std::string_view body, const std::string& what) {
  std::string detail;
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    detail = body.empty() ? "empty body" : Quote(body);
  } else {
    detail = ErrorDetail(parsed);
  }
  return StatusForHttp(http_status,
                       "HTTP " + std::to_string(http_status) + " from " + what + ": " + detail);
}

// An {"error": {...}} object sent with HTTP 200 (inside a stream, or as a whole body).
Status ErrorFromInlineBody(const Json& body, const std::string& what) {
  const Json& error = body["error"];
  std::string message = "error from " + what + ": " + ErrorDetail(body);
  if (error.is_object() && error.contains("code") && error["code"].is_number_integer()) {
    const long code = error["code"].get<long>();
    if (code >= 400 && code < 600) return StatusForHttp(code, std::move(message));
  }
  return Unavailable(std::move(message));
}

// Milliseconds from a Retry-After value (delta-seconds or HTTP date); -1 when unusable.
int64_t ParseRetryAfter(const std::string& value, const Clock& clock) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return INT64_MAX / 2;
    return std::stoll(value) * 1000;
  }
  const time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return -1;
  return std::max<int64_t>(0, static_cast<int64_t>(when) * 1000 - clock.NowMillis());
}

int64_t ParseRetryAfterMs(const std::string& value) {
  if (value.empty()) return -1;
  char* end = nullptr;
  const double ms = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0' || !(ms >= 0) || ms > 1e12) return -1;
  return static_cast<int64_t>(ms);
}

void RealSleep(int64_t millis, const CancellationToken* cancel) {
  using std::chrono::steady_clock;
  const auto deadline = steady_clock::now() + std::chrono::milliseconds(millis);
  while (cancel == nullptr || !cancel->cancelled()) {
    const auto now = steady_clock::now();
    if (now >= deadline) return;
    std::this_thread::sleep_for(
        std::min<steady_clock::duration>(deadline - now, std::chrono::milliseconds(20)));
  }
}

struct Call {
  bool post = true;
  std::string path;  // appended to base_url: "/chat/completions"
  std::string body;
  bool stream = false;

  std::string Describe() const { return (post ? "POST " : "GET ") + path; }
};

// State of one streamed chat completion, shared by the attempts of a call.
struct StreamState {
  const DeltaCallback* on_delta = nullptr;
  const CancellationToken* cancel = nullptr;
  SseParser parser;
  ChatResponse response;
  bool delivered = false;   // at least one fragment reached on_delta: no more retries
  bool done = false;        // "data: [DONE]" seen
  bool plain_json = false;  // the server answered with a JSON body instead of a stream

  void ResetForAttempt() {
    parser = SseParser();
    response = ChatResponse();
    done = false;
    plain_json = false;
  }

  Status Deliver(std::string_view fragment) {
    if (fragment.empty()) return Status::Ok();
    if (cancel != nullptr && cancel->cancelled()) return Cancelled("cancelled by the caller");
    response.content.append(fragment);
    delivered = true;
    if (!(*on_delta)(fragment)) return Cancelled("stream stopped by the delta callback");
    return Status::Ok();
  }

  Status OnEvent(const SseEvent& event) {
    if (done) return Status::Ok();  // nothing may follow [DONE]
    if (!event.event.empty() && event.event != "message") {
      if (event.event == "error") return Unavailable("stream error event: " + Quote(event.data));
      return Status::Ok();
    }
    if (event.data == "[DONE]") {
      done = true;
      return Status::Ok();
    }
    Json chunk = Json::parse(event.data, nullptr, false);
    if (chunk.is_discarded() || !chunk.is_object()) {
      return Internal("malformed JSON in chat completion stream chunk: " + Quote(event.data));
    }
    try {
      if (chunk.contains("error")) return ErrorFromInlineBody(chunk, "chat completion stream");
      if (std::string model = StringOr(chunk, "model"); !model.empty()) response.model = model;
      ParseUsage(chunk, &response.usage);
      auto choices = chunk.find("choices");
      if (choices == chunk.end() || !choices->is_array() || choices->empty()) {
        return Status::Ok();  // e.g. the usage-only last chunk
      }
      const Json& choice = (*choices)[0];
      if (std::string reason = StringOr(choice, "finish_reason"); !reason.empty()) {
        response.finish_reason = reason;
      }
      auto delta = choice.find("delta");
      if (delta != choice.end() && delta->is_object()) {
        PLUME_RETURN_IF_ERROR(Deliver(StringOr(*delta, "content")));
      }
    } catch (const Json::exception& e) {
      return Internal(std::string("unexpected chat completion stream chunk: ") + e.what());
    }
    return Status::Ok();
  }
};

// Context of one libcurl transfer, passed to its callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const CancellationToken* cancel = nullptr;
  StreamState* stream = nullptr;  // null for non-streamed calls
  size_t max_body = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;
  std::string retry_after_ms;
  bool sse = false;  // body bytes went to the SSE parser
  Status abort;      // why a callback stopped the transfer
  // Stream idle timeout (0: none), measured from the last received byte or the request start.
  std::chrono::milliseconds idle_timeout{0};
  std::chrono::steady_clock::time_point last_activity;
  curl_off_t last_downloaded = 0;
};

size_t HeaderCallback(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t length = size * count;
  std::string_view line(data, length);
  if (line.starts_with("HTTP/")) {  // a new response (after 100 Continue or a proxy CONNECT)
    t->content_type.clear();
    t->retry_after.clear();
    t->retry_after_ms.clear();
    return length;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return length;
  const std::string name = ToLowerAscii(line.substr(0, colon));
  const std::string_view value = TrimHeaderValue(line.substr(colon + 1));
  if (name == "content-type") {
    t->content_type.assign(value);
  } else if (name == "retry-after") {
    t->retry_after.assign(value);
  } else if (name == "retry-after-ms") {
    t->retry_after_ms.assign(value);
  }
  return length;
}

size_t WriteCallback(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t length = size * count;
  if (t->cancel != nullptr && t->cancel->cancelled()) {
    t->abort = Cancelled("cancelled by the caller");
    return 0;
  }
  long http_status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &http_status);
  if (t->stream != nullptr && http_status >= 200 && http_status < 300 &&
      !IsJsonContentType(t->content_type)) {
    t->sse = true;
    std::vector<SseEvent> events;
    Status status = t->stream->parser.Feed(std::string_view(data, length), &events);
    for (size_t i = 0; status.ok() && i < events.size(); ++i) {
      status = t->stream->OnEvent(events[i]);
    }
    if (!status.ok()) {
      t->abort = std::move(status);
      return 0;
    }
    return length;
  }
  if (t->body.size() + length > t->max_body) {
    t->abort = ResourceExhausted("response larger than " + std::to_string(t->max_body) + " bytes");
    return 0;
  }
  t->body.append(data, length);
  return length;
}

int XferInfoCallback(void* user, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->cancel != nullptr && t->cancel->cancelled()) {
    if (t->abort.ok()) t->abort = Cancelled("cancelled by the caller");
    return 1;
  }
  if (t->idle_timeout.count() > 0) {
    const auto now = std::chrono::steady_clock::now();
    if (downloaded != t->last_downloaded) {
      t->last_downloaded = downloaded;
      t->last_activity = now;
    } else if (now - t->last_activity > t->idle_timeout) {
      if (t->abort.ok()) {
        t->abort = DeadlineExceeded("stream idle: no data for " +
                                    std::to_string(t->idle_timeout.count()) + " ms");
      }
      return 1;
    }
  }
  return 0;
}

struct Outcome {
  Status status;
  std::string body;
  bool retriable = false;
  int64_t retry_after_ms = -1;
};

Outcome CurlFailure(CURLcode code, const char* error_buffer, const std::string& what,
                    const OpenAiClientConfig& config, bool stream_started) {
  std::string message = what + " at " + config.base_url + ": " + curl_easy_strerror(code);
  if (error_buffer[0] != '\0') message += std::string(" (") + error_buffer + ")";
  Outcome out;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      out.status = DeadlineExceeded(std::move(message));
      return out;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      out.retriable = true;
      out.status =
          Unavailable(stream_started ? "stream interrupted: " + message : std::move(message));
      return out;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      out.status = InvalidArgument(std::move(message));
      return out;
    case CURLE_ABORTED_BY_CALLBACK:
      out.status = Cancelled(std::move(message));
      return out;
    default:
      out.status = Unavailable(std::move(message));
      return out;
  }
}

struct Env {
  const OpenAiClientConfig& config;
  const Clock& clock;
  const Sleeper& sleeper;
};

Outcome RunAttempt(const Env& env, const Call& call, StreamState* stream,
                   const CancellationToken* cancel) {
  const OpenAiClientConfig& config = env.config;
  Outcome out;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) {
    out.status = Internal("curl_easy_init failed");
    return out;
  }
  Transfer t;
  t.curl = curl.get();
  t.cancel = cancel;
  t.stream = stream;
  t.max_body = static_cast<size_t>(config.max_response_bytes);

  curl_slist* raw_headers = nullptr;
  auto add_header = [&raw_headers](const std::string& header) {
    curl_slist* next = curl_slist_append(raw_headers, header.c_str());
    if (next != nullptr) raw_headers = next;
    return next != nullptr;
  };
  bool headers_ok =
      add_header(call.stream ? "Accept: text/event-stream" : "Accept: application/json");
  headers_ok = headers_ok && add_header("Expect:");
  if (call.post) headers_ok = headers_ok && add_header("Content-Type: application/json");
  if (!config.api_key.empty()) {
    headers_ok = headers_ok && add_header("Authorization: Bearer " + config.api_key);
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers(raw_headers);
  if (!headers_ok) {
    out.status = Internal("curl_slist_append failed");
    return out;
  }

  const std::string url = config.base_url + call.path;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer.data());
  curl_easy_setopt(h, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(config.request_timeout_ms));
  if (call.stream) {
    t.idle_timeout = std::chrono::milliseconds(config.stream_idle_timeout_ms);
    t.last_activity = std::chrono::steady_clock::now();
  }
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  // An empty proxy string disables proxies, including the environment variables.
  curl_easy_setopt(h, CURLOPT_PROXY, config.proxy.c_str());
  if (!config.no_proxy.empty()) curl_easy_setopt(h, CURLOPT_NOPROXY, config.no_proxy.c_str());
  if (!config.ca_bundle_path.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, config.ca_bundle_path.c_str());
  }
  if (call.post) {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &HeaderCallback);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteCallback);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &XferInfoCallback);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);

  const CURLcode code = curl_easy_perform(h);
  const std::string what = call.Describe();
  if (!t.abort.ok()) {
    out.status = std::move(t.abort);
    return out;
  }
  if (code != CURLE_OK) return CurlFailure(code, error_buffer.data(), what, config, t.sse);

  long http_status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &http_status);
  if (http_status < 200 || http_status >= 300) {
    out.status = ErrorFromResponse(http_status, t.body, what + " at " + config.base_url);
    out.retriable = http_status == 429 || http_status >= 500;
    if (http_status == 429 || http_status == 503) {
      out.retry_after_ms = ParseRetryAfterMs(t.retry_after_ms);
      if (out.retry_after_ms < 0) out.retry_after_ms = ParseRetryAfter(t.retry_after, env.clock);
    }
    return out;
  }
  if (stream != nullptr && !t.sse) {
    stream->plain_json = true;
  } else if (stream != nullptr) {
    std::vector<SseEvent> trailing;
    stream->parser.Finish(&trailing);
    // Only a complete "[DONE]" is trusted from an unterminated tail; a truncated JSON chunk means
    // the stream was cut.
    for (const SseEvent& event : trailing) {
      if (event.data == "[DONE]") stream->done = true;
    }
    if (!stream->done) {
      out.status = Unavailable("stream interrupted: " + what + " at " + config.base_url +
                               " ended before data: [DONE]");
      out.retriable = true;
      return out;
    }
  }
  out.body = std::move(t.body);
  return out;
}

Result<std::string> Execute(const Env& env, const Call& call, StreamState* stream,
                            const CancellationToken* cancel) {
  const OpenAiClientConfig& config = env.config;
  for (int attempt = 0;; ++attempt) {
    if (cancel != nullptr && cancel->cancelled()) {
      return Cancelled("cancelled before " + call.Describe());
    }
    if (stream != nullptr) stream->ResetForAttempt();
    Outcome out = RunAttempt(env, call, stream, cancel);
    if (out.status.ok()) return std::move(out.body);
    const bool may_retry =
        out.retriable && attempt < config.max_retries && (stream == nullptr || !stream->delivered);
    if (!may_retry) {
      if (attempt == 0) return out.status;
      return out.status.WithContext("after " + std::to_string(attempt + 1) + " attempts");
    }
    int64_t delay = config.initial_backoff_ms;
    for (int i = 0; i < attempt && delay < config.max_backoff_ms; ++i) delay *= 2;
    delay = std::min(delay, config.max_backoff_ms);
    if (out.retry_after_ms >= 0) {
      if (out.retry_after_ms > config.max_retry_after_ms) {
        return out.status.WithContext(
            "server asks to retry after " + std::to_string(out.retry_after_ms) +
            " ms, more than the configured " + std::to_string(config.max_retry_after_ms) + " ms");
      }
      delay = out.retry_after_ms;
    }
    env.sleeper(delay, cancel);
  }
}

Result<std::string> BuildChatBody(const ChatRequest& request, const std::string& model, bool stream,
                                  bool include_usage) {
  if (request.messages.empty()) return InvalidArgument("chat request has no messages");
  if (request.max_tokens <= 0) return InvalidArgument("max_tokens must be positive");
  if (!(request.temperature >= 0.0 && request.temperature <= 2.0)) {
    return InvalidArgument("temperature must be within [0, 2]");
  }
  Json messages = Json::array();
  for (const ChatMessage& message : request.messages) {
    if (message.role != "system" && message.role != "user" && message.role != "assistant") {
      return InvalidArgument("unknown chat message role \"" + Quote(message.role) + "\"");
    }
    messages.push_back({{"role", message.role}, {"content", message.content}});
  }
  Json body = {{"model", model},
               {"messages", std::move(messages)},
               {"temperature", request.temperature},
               {"max_tokens", request.max_tokens},
               {"stream", stream}};
  if (stream && include_usage) body["stream_options"] = {{"include_usage", true}};
  try {
    return body.dump();
  } catch (const Json::exception& e) {
    return InvalidArgument(std::string("chat request is not valid UTF-8: ") + e.what());
  }
}

Result<Json> ParseBody(std::string_view body, const std::string& what) {
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Internal("malformed JSON in the answer to " + what + ": " + Quote(body));
  }
  if (parsed.contains("error") && !parsed["error"].is_null()) {
    return ErrorFromInlineBody(parsed, what);
  }
  return parsed;
}

Result<ChatResponse> ParseChatResponse(std::string_view body) {
  const std::string what = "POST /chat/completions";
  PLUME_ASSIGN_OR_RETURN(Json parsed, ParseBody(body, what));
  try {
    auto choices = parsed.find("choices");
    if (choices == parsed.end() || !choices->is_array() || choices->empty()) {
      return Internal("the answer to " + what + " has no choices: " + Quote(body));
    }
    const Json& choice = (*choices)[0];
    ChatResponse response;
    response.model = StringOr(parsed, "model");
    response.finish_reason = StringOr(choice, "finish_reason");
    auto message = choice.find("message");
    if (message == choice.end() || !message->is_object()) {
      return Internal("the answer to " + what + " has no message: " + Quote(body));
    }
    response.content = StringOr(*message, "content");
    ParseUsage(parsed, &response.usage);
    return response;
  } catch (const Json::exception& e) {
    return Internal("unexpected answer to " + what + ": " + e.what());
  }
}

Status ValidateConfig(OpenAiClientConfig* config) {
  std::string& base_url = config->base_url;
  if (base_url.empty()) return InvalidArgument("base_url is empty");
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (url == nullptr) return Internal("curl_url failed");
  if (CURLUcode rc = curl_url_set(url.get(), CURLUPART_URL, base_url.c_str(), 0); rc != CURLUE_OK) {
    return InvalidArgument("base_url \"" + Quote(base_url) +
                           "\" is not a valid URL: " + curl_url_strerror(rc));
  }
  auto part = [&url](CURLUPart which, std::string* value) {
    char* raw = nullptr;
    if (curl_url_get(url.get(), which, &raw, 0) != CURLUE_OK || raw == nullptr) return false;
    value->assign(raw);
    curl_free(raw);
    return true;
  };
  std::string scheme;
  std::string host;
  std::string ignored;
  if (!part(CURLUPART_SCHEME, &scheme) || (scheme != "http" && scheme != "https")) {
    return InvalidArgument("base_url \"" + Quote(base_url) + "\" must use http or https");
  }
  if (!part(CURLUPART_HOST, &host) || host.empty()) {
    return InvalidArgument("base_url \"" + Quote(base_url) + "\" has no host");
  }
  if (part(CURLUPART_QUERY, &ignored) || part(CURLUPART_FRAGMENT, &ignored)) {
    return InvalidArgument("base_url \"" + Quote(base_url) +
                           "\" must not have a query or fragment");
  }
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  for (char c : config->api_key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("api_key contains control characters");
    }
  }
  if (config->connect_timeout_ms <= 0 || config->request_timeout_ms <= 0 ||
      config->stream_idle_timeout_ms <= 0) {
    return InvalidArgument("timeouts must be positive");
  }
  if (config->max_retries < 0) return InvalidArgument("max_retries must not be negative");
  if (config->initial_backoff_ms < 0 || config->max_backoff_ms < config->initial_backoff_ms ||
      config->max_retry_after_ms < 0) {
    return InvalidArgument("backoff limits must satisfy 0 <= initial_backoff_ms <= max_backoff_ms");
  }
  if (config->max_response_bytes <= 0)
    return InvalidArgument("max_response_bytes must be positive");
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<OpenAiClient>> OpenAiClient::Create(OpenAiClientConfig config,
                                                           const Clock* clock, Sleeper sleeper) {
  PLUME_RETURN_IF_ERROR(GlobalInit());
  PLUME_RETURN_IF_ERROR(ValidateConfig(&config));
  return std::unique_ptr<OpenAiClient>(
      new OpenAiClient(std::move(config), clock, std::move(sleeper)));
}

OpenAiClient::OpenAiClient(OpenAiClientConfig config, const Clock* clock, Sleeper sleeper)
    : config_(std::move(config)),
      owned_clock_(clock == nullptr ? std::make_unique<SystemClock>() : nullptr),
      clock_(clock == nullptr ? owned_clock_.get() : clock),
      sleeper_(sleeper ? std::move(sleeper) : Sleeper(&RealSleep)) {}

OpenAiClient::~OpenAiClient() = default;

Result<ChatResponse> OpenAiClient::DoChat(const ChatRequest& request,
                                          const CancellationToken* cancel) {
  const std::string& model = request.model.empty() ? config_.default_model : request.model;
  if (model.empty()) return InvalidArgument("no model: set ChatRequest::model or default_model");
  Call call;
  call.path = "/chat/completions";
  PLUME_ASSIGN_OR_RETURN(call.body, BuildChatBody(request, model, false, false));
  const Env env{config_, *clock_, sleeper_};
  PLUME_ASSIGN_OR_RETURN(std::string body, Execute(env, call, nullptr, cancel));
  return ParseChatResponse(body);
}

Result<ChatResponse> OpenAiClient::DoChatStream(const ChatRequest& request,
                                                const DeltaCallback& on_delta,
                                                const CancellationToken* cancel) {
  if (!on_delta) return InvalidArgument("ChatStream needs an on_delta callback");
  const std::string& model = request.model.empty() ? config_.default_model : request.model;
  if (model.empty()) return InvalidArgument("no model: set ChatRequest::model or default_model");
  Call call;
  call.path = "/chat/completions";
  call.stream = true;
  PLUME_ASSIGN_OR_RETURN(call.body,
                         BuildChatBody(request, model, true, config_.stream_include_usage));
  StreamState state;
  state.on_delta = &on_delta;
  state.cancel = cancel;
  const Env env{config_, *clock_, sleeper_};
  PLUME_ASSIGN_OR_RETURN(std::string body, Execute(env, call, &state, cancel));
  if (!state.plain_json) return std::move(state.response);
  // Some servers answer a stream request with one JSON body; deliver it as a single fragment.
  PLUME_ASSIGN_OR_RETURN(ChatResponse response, ParseChatResponse(body));
  PLUME_RETURN_IF_ERROR(state.Deliver(response.content));
  return response;
}

Result<std::vector<std::vector<float>>> OpenAiClient::DoEmbed(
    const std::vector<std::string>& inputs, const std::string& model,
    const CancellationToken* cancel) {
  if (inputs.empty()) return std::vector<std::vector<float>>();
  const std::string& chosen = model.empty() ? config_.default_embedding_model : model;
  if (chosen.empty()) return InvalidArgument("no embedding model: pass one or set a default");
  Call call;
  call.path = "/embeddings";
  try {
    Json request = {{"model", chosen}, {"input", inputs}, {"encoding_format", "float"}};
    call.body = request.dump();
  } catch (const Json::exception& e) {
    return InvalidArgument(std::string("embedding input is not valid UTF-8: ") + e.what());
  }
  const Env env{config_, *clock_, sleeper_};
  PLUME_ASSIGN_OR_RETURN(std::string body, Execute(env, call, nullptr, cancel));
  const std::string what = call.Describe();
  PLUME_ASSIGN_OR_RETURN(Json parsed, ParseBody(body, what));
  try {
    auto data = parsed.find("data");
    if (data == parsed.end() || !data->is_array()) {
      return Internal("the answer to " + what + " has no data array");
    }
    std::vector<std::vector<float>> out(inputs.size());
    std::vector<bool> seen(inputs.size(), false);
    for (size_t position = 0; position < data->size(); ++position) {
      const Json& item = (*data)[position];
      size_t index = position;
      if (item.contains("index")) index = item["index"].get<size_t>();
      if (index >= inputs.size() || seen[index]) {
        return Internal("the answer to " + what + " has a bad or repeated index " +
                        std::to_string(index));
      }
      const Json& embedding = item.at("embedding");
      if (!embedding.is_array()) {
        return Internal("the answer to " + what + " has a non-float embedding");
      }
      out[index] = embedding.get<std::vector<float>>();
      seen[index] = true;
    }
    if (std::find(seen.begin(), seen.end(), false) != seen.end()) {
      return Internal("the answer to " + what + " has " + std::to_string(data->size()) +
                      " embeddings for " + std::to_string(inputs.size()) + " inputs");
    }
    return out;
  } catch (const Json::exception& e) {
    return Internal("unexpected answer to " + what + ": " + e.what());
  }
}

Result<std::vector<std::string>> OpenAiClient::DoListModels(const CancellationToken* cancel) {
  Call call;
  call.post = false;
  call.path = "/models";
  const Env env{config_, *clock_, sleeper_};
  PLUME_ASSIGN_OR_RETURN(std::string body, Execute(env, call, nullptr, cancel));
  const std::string what = call.Describe();
  PLUME_ASSIGN_OR_RETURN(Json parsed, ParseBody(body, what));
  try {
    auto data = parsed.find("data");
    if (data == parsed.end() || !data->is_array()) {
      return Internal("the answer to " + what + " has no data array");
    }
    std::vector<std::string> ids;
    for (const Json& model : *data) ids.push_back(model.at("id").get<std::string>());
    return ids;
  } catch (const Json::exception& e) {
    return Internal("unexpected answer to " + what + ": " + e.what());
  }
}

}  // namespace plume::llm
