#include "http/json_stream.h"

// RapidJSON's SSE2 scan skips runs of characters that need no escaping; SSE2 is part of the
// x86-64 baseline.
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <nlohmann/json.hpp>
#include <string_view>

#include "http/text_metrics.h"
#include "util/text.h"

namespace plume::http {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(Writer& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void String(Writer& w, std::string_view value) {
  if (util::IsValidUtf8(value)) {
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return;
  }
  // Rare (stores keep valid UTF-8 at their inputs): the same replacement as Dump().
  const std::string quoted = nlohmann::json(std::string(value))
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  w.RawValue(quoted.data(), quoted.size(), rapidjson::kStringType);
}

void Field(Writer& w, std::string_view key, std::string_view value) {
  Key(w, key);
  String(w, value);
}

void WriteMessage(Writer& w, const Message& m, ListView view) {
  // Keys in std::map order, as nlohmann's object sorts them.
  w.StartObject();
  Field(w, "assigned_agent", m.assigned_agent);
  if (view == ListView::kFull) Field(w, "body", m.body);
  Field(w, "channel", ToString(m.channel));
  if (view == ListView::kSummary) Field(w, "excerpt", util::Excerpt(m.body, kExcerptChars));
  Key(w, "id");
  w.Int64(m.id);
  Field(w, "intent", m.intent);
  Field(w, "queue", m.queue);
  Field(w, "received_at", FormatIsoUtc(m.received_at_ms));
  Field(w, "sender_email", m.sender_email);
  Field(w, "sender_name", m.sender_name);
  Field(w, "service", m.service);
  Field(w, "status", ToString(m.status));
  Field(w, "subject", m.subject);
  w.EndObject();
}

}  // namespace

std::string MessageListBody(const std::vector<Message>& messages,
                            std::optional<int64_t> next_after_id, const MessageCounts& counts,
                            ListView view) {
  size_t estimate = 128;
  for (const auto& m : messages) {
    estimate += 256 + (view == ListView::kFull ? m.body.size() : 4 * kExcerptChars) +
                m.subject.size() + m.sender_name.size() + m.sender_email.size() + m.intent.size() +
                m.queue.size() + m.service.size() + m.assigned_agent.size();
  }
  rapidjson::StringBuffer buffer;
  buffer.Reserve(estimate);
  Writer w(buffer);
  w.StartObject();
  Key(w, "counts");
  w.StartObject();
  Key(w, "answered");
  w.Int64(counts.answered);
  Key(w, "closed");
  w.Int64(counts.closed);
  Key(w, "in_progress");
  w.Int64(counts.in_progress);
  Key(w, "new");
  w.Int64(counts.new_messages);
  w.EndObject();
  Key(w, "messages");
  w.StartArray();
  for (const auto& m : messages) WriteMessage(w, m, view);
  w.EndArray();
  Key(w, "next_after_id");
  if (next_after_id) {
    w.Int64(*next_after_id);
  } else {
    w.Null();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace plume::http
