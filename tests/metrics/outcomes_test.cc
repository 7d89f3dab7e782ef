// ComputeOutcomes on a small hand-built fixture. Every expected figure is computed by hand in the
// comments next to it, from the fixture described in Fixture().
#include "metrics/outcomes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace plume::metrics {
namespace {

constexpr int64_t kH = 3'600'000;
constexpr int64_t kD = 24 * kH;

int64_t T0() { return *ParseDate("2026-11-02"); }  // a Monday

Message Msg(int64_t id, std::string service, Channel channel, std::string intent,
            int64_t received) {
  Message m;
  m.id = id;
  m.service = std::move(service);
  m.channel = channel;
  m.intent = std::move(intent);
  m.body = "corps";
  m.received_at_ms = received;
  return m;
}

Draft Drf(int64_t id, int64_t message_id, std::string text, int64_t created) {
  Draft d;
  d.id = id;
  d.message_id = message_id;
  d.engine = "embedded";
  d.text = std::move(text);
  d.created_at_ms = created;
  return d;
}

Decision Dec(int64_t id, int64_t message_id, std::optional<int64_t> draft_id, DecisionKind kind,
             std::string final_text, int64_t edit_distance, int64_t decided) {
  Decision d;
  d.id = id;
  d.message_id = message_id;
  d.draft_id = draft_id;
  d.agent = "agent";
  d.kind = kind;
  d.final_text = std::move(final_text);
  d.edit_distance = edit_distance;
  d.decided_at_ms = decided;
  return d;
}

SatisfactionRating Rating(int64_t decision_id, int64_t message_id, int score,
                          std::optional<bool> useful) {
  SatisfactionRating r;
  r.decision_id = decision_id;
  r.message_id = message_id;
  r.score = score;
  r.useful = useful;
  return r;
}

DraftFeedback Fb(int64_t draft_id, bool up, std::vector<FeedbackReason> reasons, int64_t at) {
  DraftFeedback f;
  f.draft_id = draft_id;
  f.thumbs_up = up;
  f.reasons = std::move(reasons);
  f.created_at_ms = at;
  return f;
}

// Period [2026-11-02, 2026-11-16): two ISO weeks, W1 starting 11-02 and W2 starting 11-09.
//  m1 caf-75       email     rsa           rcv T0        d1 accepted        at T0+24h (W1)  24h
//  m2 caf-75       web_form  rsa           rcv T0+1D     d2 edited 10/20    at T0+3D  (W1)  48h
//  m3 caf-75       email     (none)        rcv T0+2D     d3 discarded T0+2D+1h, then written
//                                                        without AI at T0+5D (W1)          72h
//  m4 mairie-lyon  web_form  etat_civil    rcv T0+8D     d4 edited 2/6 (é)  at T0+8D+12h (W2) 12h
//  m5 mairie-lyon  api       etat_civil    rcv T0+9D     d9 drafted, no decision
//  m6 caf-75       email     rsa           rcv T0-1D (before the period: not in volumes)
//                                          without AI at T0+10D (W2) 264h; again at T0+11D
//                                          (second sending decision: ignored)
//  m7 prefecture-69 email    titre_sejour  rcv T0+3D     d7 accepted        at T0+3D+6h (W1)  6h
//  m8 caf-75       feedback  (none)        rcv T0+13D    without AI at T0+15D (after the period)
OutcomeInput Fixture() {
  const int64_t t0 = T0();
  OutcomeInput in;
  in.query.from_ms = t0;
  in.query.to_ms = t0 + 14 * kD;
  in.query.granularity = Granularity::kWeek;
  in.messages = {
      Msg(1, "caf-75", Channel::kEmail, "rsa", t0),
      Msg(2, "caf-75", Channel::kWebForm, "rsa", t0 + kD),
      Msg(3, "caf-75", Channel::kEmail, "", t0 + 2 * kD),
      Msg(4, "mairie-lyon", Channel::kWebForm, "etat_civil", t0 + 8 * kD),
      Msg(5, "mairie-lyon", Channel::kApi, "etat_civil", t0 + 9 * kD),
      Msg(6, "caf-75", Channel::kEmail, "rsa", t0 - kD),
      Msg(7, "prefecture-69", Channel::kEmail, "titre_sejour", t0 + 3 * kD),
      Msg(8, "caf-75", Channel::kFeedback, "", t0 + 13 * kD),
  };
  in.drafts = {
      Drf(11, 1, "Bonjour Madame", t0 + kH),
      Drf(12, 2, "abcdefghij", t0 + kD + kH),  // 10 code points
      Drf(13, 3, "brouillon écarté", t0 + 2 * kD + kH / 2),
      Drf(14, 4, "éééé", t0 + 8 * kD + kH),  // 4 code points, 8 bytes
      Drf(17, 7, "Madame, Monsieur", t0 + 3 * kD + kH),
      Drf(19, 5, "pas encore décidé", t0 + 9 * kD + kH),
  };
  in.decisions = {
      Dec(101, 1, 11, DecisionKind::kAccepted, "Bonjour Madame", 0, t0 + 24 * kH),
      Dec(102, 2, 12, DecisionKind::kEdited, "abcdefghijKLMNOPQRST", 10, t0 + 3 * kD),
      Dec(103, 3, 13, DecisionKind::kDiscarded, "", 0, t0 + 2 * kD + kH),
      Dec(104, 3, std::nullopt, DecisionKind::kWrittenWithoutAi, "écrit", 0, t0 + 5 * kD),
      Dec(105, 4, 14, DecisionKind::kEdited, "éééééé", 2, t0 + 8 * kD + 12 * kH),
      // Listed before m6's first reply on purpose: the earliest sending decision wins.
      Dec(107, 6, std::nullopt, DecisionKind::kWrittenWithoutAi, "relance", 0, t0 + 11 * kD),
      Dec(106, 6, std::nullopt, DecisionKind::kWrittenWithoutAi, "réponse", 0, t0 + 10 * kD),
      Dec(108, 7, 17, DecisionKind::kAccepted, "Madame, Monsieur", 0, t0 + 3 * kD + 6 * kH),
      Dec(109, 8, std::nullopt, DecisionKind::kWrittenWithoutAi, "tard", 0, t0 + 15 * kD),
  };
  in.ratings = {
      Rating(101, 1, 5, true),          // AI-assisted (accepted)
      Rating(102, 2, 4, std::nullopt),  // AI-assisted (edited), "utile ?" unanswered
      Rating(104, 3, 2, false),         // not assisted
      Rating(106, 6, 3, true),          // not assisted, W2
      Rating(107, 6, 1, false),         // not m6's first reply: ignored
      Rating(109, 8, 1, false),         // reply after the period: ignored
      Rating(999, 1, 1, false),         // unknown decision: ignored
  };
  in.feedback = {
      Fb(11, true, {}, t0 + 2 * kH),
      Fb(13, false, {FeedbackReason::kInexact, FeedbackReason::kOutdatedSource}, t0 + 2 * kD + kH),
      Fb(14, false, {FeedbackReason::kTone}, t0 + 8 * kD + 2 * kH),
      Fb(12, true, {FeedbackReason::kIncomplete}, t0 + kD + 2 * kH),
      Fb(19, true, {}, t0 + 20 * kD),  // after the period: ignored
  };
  return in;
}

TEST(OutcomesTest, TotalsMatchHandComputedFigures) {
  auto report = ComputeOutcomes(Fixture());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const OutcomeFigures& t = report->total;

  // Received in the period: m1 m2 m3 m4 m5 m7 m8 (m6 was received before) = 7.
  EXPECT_EQ(t.messages_received, 7);
  EXPECT_EQ(t.drafts_created, 6);
  // Replies in the period: m1 m2 m3 m4 m6 m7 = 6 (m8 answered after the period).
  EXPECT_EQ(t.replies, 6);
  EXPECT_EQ(t.replies_accepted, 2);    // m1 m7
  EXPECT_EQ(t.replies_edited, 2);      // m2 m4
  EXPECT_EQ(t.replies_without_ai, 2);  // m3 m6
  // Response times 6 12 24 48 72 264 h: median (24+48)/2 = 36 h, mean 426/6 = 71 h.
  ASSERT_TRUE(t.median_response_ms.has_value());
  EXPECT_DOUBLE_EQ(*t.median_response_ms, 36.0 * kH);
  EXPECT_DOUBLE_EQ(*t.mean_response_ms, 71.0 * kH);
  // AI-assisted = (2 accepted + 2 edited) / 6.
  EXPECT_DOUBLE_EQ(*t.ai_assisted_share, 4.0 / 6.0);
  // Decisions on drafts: 101 acc, 102 ed, 103 disc, 105 ed, 108 acc = 5.
  EXPECT_EQ(t.draft_decisions, 5);
  EXPECT_EQ(t.drafts_discarded, 1);
  EXPECT_DOUBLE_EQ(*t.accepted_rate, 0.4);
  EXPECT_DOUBLE_EQ(*t.edited_rate, 0.4);
  EXPECT_DOUBLE_EQ(*t.discarded_rate, 0.2);
  // NED: m1 0, m2 10/max(10,20) = 0.5, m4 2/max(4,6) = 1/3, m7 0 -> (0.5 + 1/3) / 4.
  EXPECT_NEAR(*t.mean_normalized_edit_distance, (0.5 + 1.0 / 3.0) / 4.0, 1e-12);

  // Ratings counted: 5 (ai) 4 (ai) 2 (not) 3 (not).
  EXPECT_EQ(t.satisfaction.ratings, 4);
  EXPECT_THAT(t.satisfaction.score_counts, ::testing::ElementsAre(0, 1, 1, 1, 1));
  EXPECT_DOUBLE_EQ(*t.satisfaction.mean_score, 14.0 / 4.0);
  EXPECT_DOUBLE_EQ(*t.satisfaction.satisfied_share, 0.5);  // 5 and 4
  EXPECT_EQ(t.satisfaction.useful_answers, 3);             // yes, no, yes
  EXPECT_DOUBLE_EQ(*t.satisfaction.useful_share, 2.0 / 3.0);
  EXPECT_EQ(t.satisfaction_ai_assisted.ratings, 2);
  EXPECT_DOUBLE_EQ(*t.satisfaction_ai_assisted.mean_score, 4.5);
  EXPECT_DOUBLE_EQ(*t.satisfaction_ai_assisted.satisfied_share, 1.0);
  EXPECT_DOUBLE_EQ(*t.satisfaction_ai_assisted.useful_share, 1.0);  // one answer: yes
  EXPECT_EQ(t.satisfaction_not_assisted.ratings, 2);
  EXPECT_DOUBLE_EQ(*t.satisfaction_not_assisted.mean_score, 2.5);
  EXPECT_DOUBLE_EQ(*t.satisfaction_not_assisted.satisfied_share, 0.0);
  EXPECT_DOUBLE_EQ(*t.satisfaction_not_assisted.useful_share, 0.5);

  // Feedback: up on d11 and d12, down on d13 and d14 (d19's is after the period).
  EXPECT_EQ(t.feedback.thumbs_up, 2);
  EXPECT_EQ(t.feedback.thumbs_down, 2);
  EXPECT_DOUBLE_EQ(*t.feedback.positive_share, 0.5);
  EXPECT_THAT(
      t.feedback.reasons,
      ::testing::ElementsAre(::testing::Pair("hors_sujet", 0), ::testing::Pair("incomplet", 1),
                             ::testing::Pair("inexact", 1), ::testing::Pair("source_obsolete", 1),
                             ::testing::Pair("ton", 1)));

  EXPECT_THAT(t.by_channel,
              ::testing::ElementsAre(::testing::Pair("api", 1), ::testing::Pair("email", 3),
                                     ::testing::Pair("feedback", 1), ::testing::Pair("import", 0),
                                     ::testing::Pair("web_form", 2)));
  EXPECT_THAT(t.by_intent, ::testing::ElementsAre(
                               ::testing::Pair("etat_civil", 2), ::testing::Pair("non_classe", 2),
                               ::testing::Pair("rsa", 2), ::testing::Pair("titre_sejour", 1)));
  EXPECT_THAT(t.by_service, ::testing::ElementsAre(::testing::Pair("caf-75", 4),
                                                   ::testing::Pair("mairie-lyon", 2),
                                                   ::testing::Pair("prefecture-69", 1)));
}

TEST(OutcomesTest, PerServiceFigures) {
  auto report = ComputeOutcomes(Fixture());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->by_service.size(), 3u);
  const OutcomeFigures& caf = report->by_service.at("caf-75");
  EXPECT_EQ(caf.messages_received, 4);  // m1 m2 m3 m8
  EXPECT_EQ(caf.replies, 4);            // m1 m2 m3 m6
  // 24 48 72 264 h: median 60 h, mean 408/4 = 102 h.
  EXPECT_DOUBLE_EQ(*caf.median_response_ms, 60.0 * kH);
  EXPECT_DOUBLE_EQ(*caf.mean_response_ms, 102.0 * kH);
  EXPECT_DOUBLE_EQ(*caf.ai_assisted_share, 0.5);
  EXPECT_DOUBLE_EQ(*caf.mean_normalized_edit_distance, 0.25);  // (0 + 0.5) / 2
  EXPECT_EQ(caf.satisfaction.ratings, 4);

  const OutcomeFigures& lyon = report->by_service.at("mairie-lyon");
  EXPECT_EQ(lyon.messages_received, 2);
  EXPECT_EQ(lyon.replies, 1);
  EXPECT_DOUBLE_EQ(*lyon.median_response_ms, 12.0 * kH);
  EXPECT_DOUBLE_EQ(*lyon.ai_assisted_share, 1.0);
  EXPECT_NEAR(*lyon.mean_normalized_edit_distance, 1.0 / 3.0, 1e-12);
  EXPECT_EQ(lyon.satisfaction.ratings, 0);
  EXPECT_FALSE(lyon.satisfaction.mean_score.has_value());
  EXPECT_EQ(lyon.feedback.thumbs_down, 1);
  EXPECT_EQ(lyon.drafts_created, 2);  // d14 d19

  const OutcomeFigures& pref = report->by_service.at("prefecture-69");
  EXPECT_EQ(pref.replies, 1);
  EXPECT_DOUBLE_EQ(*pref.median_response_ms, 6.0 * kH);
  EXPECT_DOUBLE_EQ(*pref.accepted_rate, 1.0);
}

TEST(OutcomesTest, WeeklyBuckets) {
  auto report = ComputeOutcomes(Fixture());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->periods.size(), 2u);
  const PeriodFigures& w1 = report->periods[0];
  const PeriodFigures& w2 = report->periods[1];
  EXPECT_EQ(w1.label, "2026-11-02");
  EXPECT_EQ(w2.label, "2026-11-09");
  EXPECT_EQ(w2.start_ms, T0() + 7 * kD);
  // W1: received m1 m2 m3 m7; replies m1 m2 m3 m7 (24 48 72 6 h): median 36 h, mean 37.5 h.
  EXPECT_EQ(w1.figures.messages_received, 4);
  EXPECT_EQ(w1.figures.replies, 4);
  EXPECT_DOUBLE_EQ(*w1.figures.median_response_ms, 36.0 * kH);
  EXPECT_DOUBLE_EQ(*w1.figures.mean_response_ms, 37.5 * kH);
  EXPECT_DOUBLE_EQ(*w1.figures.ai_assisted_share, 0.75);
  EXPECT_NEAR(*w1.figures.satisfaction.mean_score, 11.0 / 3.0, 1e-12);  // 5 4 2
  // W2: received m4 m5 m8; replies m4 (12 h) and m6 (264 h): median = mean = 138 h.
  EXPECT_EQ(w2.figures.messages_received, 3);
  EXPECT_EQ(w2.figures.replies, 2);
  EXPECT_DOUBLE_EQ(*w2.figures.median_response_ms, 138.0 * kH);
  EXPECT_DOUBLE_EQ(*w2.figures.mean_response_ms, 138.0 * kH);
  EXPECT_DOUBLE_EQ(*w2.figures.satisfaction.mean_score, 3.0);
  EXPECT_EQ(w2.figures.feedback.thumbs_down, 1);
}

TEST(OutcomesTest, DailyBucketsIncludeEmptyDays) {
  OutcomeInput in = Fixture();
  in.query.granularity = Granularity::kDay;
  auto report = ComputeOutcomes(in);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->periods.size(), 14u);
  // 2026-11-05 (T0+3D): replies of m2 (at T0+3D) and m7 (T0+3D+6h).
  EXPECT_EQ(report->periods[3].label, "2026-11-05");
  EXPECT_EQ(report->periods[3].figures.replies, 2);
  EXPECT_EQ(report->periods[4].figures.replies, 0);
  EXPECT_FALSE(report->periods[4].figures.median_response_ms.has_value());
}

TEST(OutcomesTest, ServiceFilterKeepsOnlyThatService) {
  OutcomeInput in = Fixture();
  in.query.service = "caf-75";
  auto report = ComputeOutcomes(in);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->by_service.size(), 1u);
  EXPECT_EQ(report->total.messages_received, 4);
  EXPECT_EQ(report->total.replies, 4);
  EXPECT_DOUBLE_EQ(*report->total.median_response_ms, 60.0 * kH);
  EXPECT_EQ(report->total.feedback.thumbs_up + report->total.feedback.thumbs_down, 3);
}

TEST(OutcomesTest, EmptyInputHasNoFigures) {
  OutcomeInput in;
  in.query.from_ms = T0();
  in.query.to_ms = T0() + 3 * kD;  // Mon..Wed: one week bucket
  auto report = ComputeOutcomes(in);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->total.replies, 0);
  EXPECT_FALSE(report->total.ai_assisted_share.has_value());
  EXPECT_FALSE(report->total.feedback.positive_share.has_value());
  EXPECT_EQ(report->periods.size(), 1u);
}

TEST(OutcomesTest, RejectsBadPeriods) {
  OutcomeInput in;
  in.query.from_ms = T0();
  in.query.to_ms = T0();
  EXPECT_EQ(ComputeOutcomes(in).status().code(), StatusCode::kInvalidArgument);
  in.query.to_ms = T0() + (kMaxPeriods + 1) * kD;
  in.query.granularity = Granularity::kDay;
  EXPECT_EQ(ComputeOutcomes(in).status().code(), StatusCode::kInvalidArgument);
  in.query.granularity = Granularity::kWeek;  // 1001 days = 144 weeks
  EXPECT_TRUE(ComputeOutcomes(in).ok());
}

TEST(OutcomesTest, Dates) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(T0() + 3 * kD + 5 * kH), "2026-11-05");
  EXPECT_EQ(BucketStart(T0() + 3 * kD + 5 * kH, Granularity::kWeek), T0());
  EXPECT_EQ(BucketStart(T0() + 6 * kD + 23 * kH, Granularity::kWeek), T0());  // Sunday
  EXPECT_EQ(BucketStart(T0() + 7 * kD, Granularity::kWeek), T0() + 7 * kD);
  EXPECT_EQ(FormatDate(BucketStart(0, Granularity::kWeek)), "1969-12-29");  // a Monday
  EXPECT_EQ(ParseDate("2024-02-29"), 19782 * kD);
  EXPECT_FALSE(ParseDate("2026-02-29").has_value());
  EXPECT_FALSE(ParseDate("2026-13-01").has_value());
  EXPECT_FALSE(ParseDate("2026-1-01").has_value());
  EXPECT_FALSE(ParseDate("2026-01-0a").has_value());
}

TEST(OutcomesTest, NormalizedEditDistanceCountsCodePoints) {
  EXPECT_DOUBLE_EQ(NormalizedEditDistance(2, "éééé", "éééééé"), 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(NormalizedEditDistance(0, "", ""), 0.0);
  EXPECT_DOUBLE_EQ(NormalizedEditDistance(3, "abc", ""), 1.0);
}

TEST(OutcomesTest, JsonCarriesTheFigures) {
  auto report = ComputeOutcomes(Fixture());
  ASSERT_TRUE(report.ok());
  const auto doc = nlohmann::json::parse(OutcomeReportToJson(*report));
  EXPECT_EQ(doc["query"]["from"], "2026-11-02T00:00:00Z");
  EXPECT_EQ(doc["query"]["to"], "2026-11-16T00:00:00Z");
  EXPECT_TRUE(doc["query"]["service"].is_null());
  EXPECT_EQ(doc["query"]["granularity"], "week");
  EXPECT_DOUBLE_EQ(doc["total"]["response_time_hours"]["median"].get<double>(), 36.0);
  EXPECT_DOUBLE_EQ(doc["total"]["response_time_hours"]["mean"].get<double>(), 71.0);
  EXPECT_EQ(doc["total"]["replies"]["total"], 6);
  EXPECT_DOUBLE_EQ(doc["total"]["satisfaction"]["ai_assisted"]["mean_score"].get<double>(), 4.5);
  EXPECT_EQ(doc["total"]["agent_feedback"]["reasons"]["ton"], 1);
  EXPECT_EQ(doc["by_service"]["mairie-lyon"]["replies"]["total"], 1);
  EXPECT_TRUE(doc["by_service"]["mairie-lyon"]["satisfaction"]["all"]["mean_score"].is_null());
  ASSERT_EQ(doc["periods"].size(), 2u);
  EXPECT_EQ(doc["periods"][1]["start"], "2026-11-09");
  EXPECT_EQ(doc["periods"][1]["figures"]["volumes"]["by_service"]["mairie-lyon"], 2);
}

TEST(OutcomesTest, CsvRowsAndEscaping) {
  OutcomeInput in = Fixture();
  in.messages.push_back(Msg(50, "=cmd,\"x\"", Channel::kApi, "", T0() + kH));
  auto report = ComputeOutcomes(in);
  ASSERT_TRUE(report.ok());
  const std::string csv = OutcomeReportToCsv(*report);
  EXPECT_EQ(csv.rfind("périmètre,clé,messages_reçus,", 0), 0u);
  // total: 8 received, 6 drafts, 6 replies (2 2 2), 5 draft decisions, 1 discarded,
  // 36.00 h / 71.00 h, 0.6667 AI-assisted, rates 0.4 0.4 0.2, NED 0.2083, 4 ratings, 3.50,
  // satisfied 0.5, useful 0.6667, 4.50 / 2.50, 1.0 / 0.0, thumbs 2 / 2, 0.5.
  EXPECT_THAT(csv, ::testing::HasSubstr(
                       "total,tous,8,6,6,2,2,2,5,1,36.00,71.00,0.6667,0.4000,0.4000,0.2000,"
                       "0.2083,4,3.50,0.5000,0.6667,4.50,2.50,1.0000,0.0000,2,2,0.5000\r\n"));
  EXPECT_THAT(csv, ::testing::HasSubstr("service,\"'=cmd,\"\"x\"\"\",1,0,0,"));
  EXPECT_THAT(csv, ::testing::HasSubstr("\r\nsemaine,2026-11-09,3,2,2,0,1,1,1,0,138.00,138.00,"));
  // 1 header + total + 4 services + 2 weeks.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 8);
}

}  // namespace
}  // namespace plume::metrics
