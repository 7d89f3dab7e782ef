// Outcome records: citizens' satisfaction ratings of sent replies and agents' feedback on drafts.
//
// These are plain value types shared by the store, the metrics computation (src/metrics) and the
// HTTP API. Thread-safety: value types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plume {

// Why an agent found a draft wanting ("thumbs down" reasons; also allowed with a thumbs up).
enum class FeedbackReason { kInexact, kIncomplete, kOffTopic, kTone, kOutdatedSource };

inline constexpr std::array<std::pair<FeedbackReason, std::string_view>, 5> kFeedbackReasonCodes{{
    {FeedbackReason::kInexact, "inexact"},
    {FeedbackReason::kIncomplete, "incomplet"},
    {FeedbackReason::kOffTopic, "hors_sujet"},
    {FeedbackReason::kTone, "ton"},
    {FeedbackReason::kOutdatedSource, "source_obsolete"},
}};

// Stable code used in JSON, CSV and the database ("hors_sujet").
inline std::string_view ToString(FeedbackReason r) {
  for (const auto& [value, code] : kFeedbackReasonCodes) {
    if (value == r) return code;
  }
  return "unknown";
}
// Returns false when `text` is not one of the codes above.
inline bool ParseFeedbackReason(std::string_view text, FeedbackReason* out) {
  for (const auto& [value, code] : kFeedbackReasonCodes) {
    if (code == text) {
      *out = value;
      return true;
    }
  }
  return false;
}
// French label shown to agents ("hors sujet", "source obsolète").
inline std::string_view FrenchLabel(FeedbackReason r) {
  switch (r) {
    case FeedbackReason::kInexact:
      return "inexact";
    case FeedbackReason::kIncomplete:
      return "incomplet";
    case FeedbackReason::kOffTopic:
      return "hors sujet";
    case FeedbackReason::kTone:
      return "ton";
    case FeedbackReason::kOutdatedSource:
      return "source obsolète";
  }
  return "inconnu";
}

// A citizen's rating of one sent reply (at most one per reply; editable for a while).
struct SatisfactionRating {
  int64_t decision_id = 0;  // the sending decision (accepted, edited or written_without_ai)
  int64_t message_id = 0;
  int score = 0;               // 1..5
  std::optional<bool> useful;  // "Cette réponse vous a-t-elle été utile ?"; empty if unanswered
  std::string comment;         // may be empty; UTF-8, bounded by the API
  int64_t rated_at_ms = 0;     // first rating
  int64_t updated_at_ms = 0;   // last edit (== rated_at_ms when never edited)
};

// An agent's thumbs up/down on one draft, with optional reason codes.
struct DraftFeedback {
  int64_t id = 0;  // assigned by the store
  int64_t draft_id = 0;
  int64_t message_id = 0;
  std::string agent;  // login
  bool thumbs_up = false;
  std::vector<FeedbackReason> reasons;  // no duplicates
  std::string comment;
  int64_t created_at_ms = 0;
};

}  // namespace plume
