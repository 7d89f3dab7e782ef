// Outcome figures of Plume (issue #5): response time, AI-assisted share, draft acceptance, edit
// distance, citizens' satisfaction, agents' feedback and volumes, per service and per day/week.
//
// ComputeOutcomes is a pure function of plain records, so the same figures come out of the CLI
// (`plume report`), the HTTP API (GET /api/metrics/outcomes) and tests on hand-built fixtures.
//
// Definitions (all times UTC, period [from_ms, to_ms)):
//   - Volume: messages whose received_at is in the period, by channel, intent ("" counted as
//     "non_classe") and service.
//   - Reply: the FIRST sending decision (accepted, edited, written_without_ai) of a message; later
//     sending decisions of the same message are ignored. A reply belongs to the period (and to the
//     day/week bucket) of its decided_at. Response time = decided_at - message received_at.
//   - AI-assisted share = (accepted + edited replies) / replies.
//   - Draft outcome rates: over every decision taken on a draft in the period (accepted, edited,
//     discarded decisions, including discards of messages later answered):
//     accepted_rate = accepted / (accepted + edited + discarded), same for edited and discarded.
//   - Normalised edit distance of an AI-assisted reply = edit_distance / max(code points of the
//     draft text, of the final text) (0 when both are empty; accepted replies count 0); the mean is
//     over AI-assisted replies whose draft is known.
//   - Satisfaction: ratings of the period's replies (a rating follows its reply's bucket), split
//     by whether the reply was AI-assisted; satisfied = score >= 4; useful share over the ratings
//     that answered the "utile ?" question.
//   - Agents' feedback: draft feedback whose created_at is in the period.
// Records of other services than `service` (when set) are ignored. A draft, decision or rating
// whose message is not in `messages` is ignored.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plume/message.h"
#include "plume/outcomes.h"
#include "plume/status.h"

namespace plume::metrics {

enum class Granularity { kDay, kWeek };  // weeks start on Monday 00:00 UTC (ISO 8601)

std::string_view ToString(Granularity g);  // "day", "week"
bool ParseGranularity(std::string_view text, Granularity* out);

struct OutcomeQuery {
  int64_t from_ms = 0;  // inclusive
  int64_t to_ms = 0;    // exclusive; must be > from_ms
  std::optional<std::string> service;
  Granularity granularity = Granularity::kWeek;
};

struct OutcomeInput {
  OutcomeQuery query;
  std::vector<Message> messages;
  std::vector<Draft> drafts;
  std::vector<Decision> decisions;
  std::vector<SatisfactionRating> ratings;
  std::vector<DraftFeedback> feedback;
};

struct SatisfactionFigures {
  int64_t ratings = 0;
  std::array<int64_t, 5> score_counts{};  // index 0 = score 1
  std::optional<double> mean_score;
  std::optional<double> satisfied_share;  // score >= 4
  int64_t useful_answers = 0;             // ratings that answered the "utile ?" question
  std::optional<double> useful_share;     // "oui" among those
};

struct FeedbackFigures {
  int64_t thumbs_up = 0;
  int64_t thumbs_down = 0;
  std::optional<double> positive_share;
  std::map<std::string, int64_t> reasons;  // every reason code, 0 when unused
};

// Figures of one subset (whole period, one service or one day/week). Optional values are empty
// when their denominator is 0.
struct OutcomeFigures {
  int64_t messages_received = 0;
  int64_t drafts_created = 0;
  int64_t replies = 0;
  int64_t replies_accepted = 0;
  int64_t replies_edited = 0;
  int64_t replies_without_ai = 0;
  int64_t draft_decisions = 0;  // accepted + edited + discarded decisions
  int64_t drafts_accepted = 0;
  int64_t drafts_edited = 0;
  int64_t drafts_discarded = 0;
  std::optional<double> median_response_ms;
  std::optional<double> mean_response_ms;
  std::optional<double> ai_assisted_share;
  std::optional<double> accepted_rate;
  std::optional<double> edited_rate;
  std::optional<double> discarded_rate;
  std::optional<double> mean_normalized_edit_distance;
  SatisfactionFigures satisfaction;
  SatisfactionFigures satisfaction_ai_assisted;
  SatisfactionFigures satisfaction_not_assisted;
  FeedbackFigures feedback;
  std::map<std::string, int64_t> by_channel;  // every channel, 0 when unused
  std::map<std::string, int64_t> by_intent;
  std::map<std::string, int64_t> by_service;
};

struct PeriodFigures {
  int64_t start_ms = 0;  // bucket start (midnight UTC; Monday for weeks)
  std::string label;     // "2026-11-16"
  OutcomeFigures figures;
};

struct OutcomeReport {
  OutcomeQuery query;
  OutcomeFigures total;
  std::map<std::string, OutcomeFigures> by_service;
  // Every day/week bucket overlapping the period, in order, including empty ones.
  std::vector<PeriodFigures> periods;
};

// At most this many day/week buckets per report.
inline constexpr int64_t kMaxPeriods = 1000;

// Errors: kInvalidArgument when to_ms <= from_ms or the period spans more than kMaxPeriods
// buckets.
Result<OutcomeReport> ComputeOutcomes(const OutcomeInput& input);

// Normalised edit distance as defined above (0 when both texts are empty).
double NormalizedEditDistance(int64_t edit_distance, std::string_view draft_text,
                              std::string_view final_text);

// Midnight UTC of the day containing `ms`, or the Monday of its week.
int64_t BucketStart(int64_t ms, Granularity g);
// "YYYY-MM-DD" of the UTC day containing `ms`.
std::string FormatDate(int64_t ms);
// Parses "YYYY-MM-DD" as midnight UTC; nullopt when malformed or not a real date.
std::optional<int64_t> ParseDate(std::string_view text);

// JSON document of the report (see the report of helper H7 / GET /api/metrics/outcomes).
std::string OutcomeReportToJson(const OutcomeReport& report);
// CSV (RFC 4180, comma separated, header line): one row for the total ("total"), one per service
// ("service") and one per period ("jour"/"semaine"). Empty cell when a figure is undefined.
std::string OutcomeReportToCsv(const OutcomeReport& report);

}  // namespace plume::metrics
