// Citizen messages, AI drafts and agents' decisions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plume {

enum class MessageStatus { kNew, kInProgress, kAnswered, kClosed };
enum class Channel { kApi, kWebForm, kFeedback, kEmail, kImport };

std::string_view ToString(MessageStatus s);
std::string_view ToString(Channel c);
// Return false when `text` names no known value.
bool ParseMessageStatus(std::string_view text, MessageStatus* out);
bool ParseChannel(std::string_view text, Channel* out);

struct Message {
  int64_t id = 0;       // assigned by the store
  std::string service;  // tenant: the team/administration that owns the message
  Channel channel = Channel::kApi;
  std::string sender_name;   // may be empty
  std::string sender_email;  // may be empty
  std::string subject;
  std::string body;
  int64_t received_at_ms = 0;
  MessageStatus status = MessageStatus::kNew;
  std::string assigned_agent;  // empty when unassigned
  std::string intent;          // empty until classified
  std::string queue;           // team queue chosen by the routing rules; empty until routed
};

struct DraftSource {
  std::string document_id;  // "particuliers/F1137"
  std::string title;
  std::string url;
  std::string source_date;
};

struct Draft {
  int64_t id = 0;
  int64_t message_id = 0;
  std::string engine;          // "embedded" or "generative"
  std::string engine_version;  // model name or template library version
  std::string prompt_version;  // empty for the embedded engine
  std::string text;
  std::vector<DraftSource> sources;
  std::vector<std::string> warnings;
  int64_t created_at_ms = 0;
  int64_t latency_ms = 0;
};

enum class DecisionKind { kAccepted, kEdited, kDiscarded, kWrittenWithoutAi };
std::string_view ToString(DecisionKind k);
bool ParseDecisionKind(std::string_view text, DecisionKind* out);

struct Decision {
  int64_t id = 0;
  int64_t message_id = 0;
  std::optional<int64_t> draft_id;  // empty when the agent wrote without a draft
  std::string agent;
  DecisionKind kind = DecisionKind::kAccepted;
  std::string final_text;     // the reply actually sent; empty for kDiscarded
  int64_t edit_distance = 0;  // characters between draft and final text (0 when accepted)
  int64_t decided_at_ms = 0;
};

struct MessageFilter {
  std::optional<std::string> service;
  std::optional<MessageStatus> status;
  std::optional<Channel> channel;
  std::optional<std::string> queue;
  std::optional<int64_t> received_from_ms;  // inclusive
  std::optional<int64_t> received_to_ms;    // exclusive
  int64_t after_id = 0;                     // keyset pagination: only ids greater than this
  int limit = 50;                           // 1..1000
};

}  // namespace plume
