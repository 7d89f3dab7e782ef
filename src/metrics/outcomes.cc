#include "metrics/outcomes.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unordered_map>

#include "util/text.h"

namespace plume::metrics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr std::string_view kUnclassifiedIntent = "non_classe";

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool IsSending(DecisionKind k) {
  return k == DecisionKind::kAccepted || k == DecisionKind::kEdited ||
         k == DecisionKind::kWrittenWithoutAi;
}
bool IsAiAssisted(DecisionKind k) {
  return k == DecisionKind::kAccepted || k == DecisionKind::kEdited;
}

struct SatisfactionAcc {
  std::array<int64_t, 5> counts{};
  int64_t useful_answers = 0;
  int64_t useful_yes = 0;

  void Add(const SatisfactionRating& r) {
    counts[static_cast<size_t>(std::clamp(r.score, 1, 5) - 1)]++;
    if (r.useful.has_value()) {
      ++useful_answers;
      if (*r.useful) ++useful_yes;
    }
  }
  SatisfactionFigures Finish() const {
    SatisfactionFigures f;
    f.score_counts = counts;
    int64_t sum = 0;
    int64_t satisfied = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      f.ratings += counts[i];
      sum += counts[i] * static_cast<int64_t>(i + 1);
      if (i + 1 >= 4) satisfied += counts[i];
    }
    if (f.ratings > 0) {
      f.mean_score = static_cast<double>(sum) / static_cast<double>(f.ratings);
      f.satisfied_share = static_cast<double>(satisfied) / static_cast<double>(f.ratings);
    }
    f.useful_answers = useful_answers;
    if (useful_answers > 0) {
      f.useful_share = static_cast<double>(useful_yes) / static_cast<double>(useful_answers);
    }
    return f;
  }
};

std::optional<double> Share(int64_t num, int64_t den) {
  if (den <= 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

// Raw accumulations of one subset; Finish() derives the figures.
struct Acc {
  OutcomeFigures f;
  std::vector<int64_t> response_ms;
  double ned_sum = 0;
  int64_t ned_count = 0;
  SatisfactionAcc sat_all, sat_ai, sat_not_ai;

  OutcomeFigures Finish() && {
    OutcomeFigures out = std::move(f);
    if (!response_ms.empty()) {
      std::sort(response_ms.begin(), response_ms.end());
      const size_t n = response_ms.size();
      out.median_response_ms = n % 2 == 1 ? static_cast<double>(response_ms[n / 2])
                                          : (static_cast<double>(response_ms[n / 2 - 1]) +
                                             static_cast<double>(response_ms[n / 2])) /
                                                2.0;
      const double sum =
          std::accumulate(response_ms.begin(), response_ms.end(), 0.0,
                          [](double a, int64_t b) { return a + static_cast<double>(b); });
      out.mean_response_ms = sum / static_cast<double>(n);
    }
    out.ai_assisted_share = Share(out.replies_accepted + out.replies_edited, out.replies);
    out.accepted_rate = Share(out.drafts_accepted, out.draft_decisions);
    out.edited_rate = Share(out.drafts_edited, out.draft_decisions);
    out.discarded_rate = Share(out.drafts_discarded, out.draft_decisions);
    if (ned_count > 0) out.mean_normalized_edit_distance = ned_sum / static_cast<double>(ned_count);
    out.satisfaction = sat_all.Finish();
    out.satisfaction_ai_assisted = sat_ai.Finish();
    out.satisfaction_not_assisted = sat_not_ai.Finish();
    out.feedback.positive_share =
        Share(out.feedback.thumbs_up, out.feedback.thumbs_up + out.feedback.thumbs_down);
    return out;
  }
};

Acc NewAcc() {
  Acc a;
  for (Channel c :
       {Channel::kApi, Channel::kWebForm, Channel::kFeedback, Channel::kEmail, Channel::kImport}) {
    a.f.by_channel[std::string(ToString(c))] = 0;
  }
  for (const auto& [reason, code] : kFeedbackReasonCodes)
    a.f.feedback.reasons[std::string(code)] = 0;
  return a;
}

struct ReplyInfo {
  const Message* message = nullptr;
  const Decision* decision = nullptr;
};

}  // namespace

std::string_view ToString(Granularity g) { return g == Granularity::kDay ? "day" : "week"; }

bool ParseGranularity(std::string_view text, Granularity* out) {
  if (text == "day" || text == "jour") {
    *out = Granularity::kDay;
    return true;
  }
  if (text == "week" || text == "semaine") {
    *out = Granularity::kWeek;
    return true;
  }
  return false;
}

int64_t BucketStart(int64_t ms, Granularity g) {
  const int64_t day = FloorDiv(ms, kDayMs);
  if (g == Granularity::kDay) return day * kDayMs;
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is the number of days since Monday.
  const int64_t since_monday = ((day + 3) % 7 + 7) % 7;
  return (day - since_monday) * kDayMs;
}

std::string FormatDate(int64_t ms) {
  const std::chrono::sys_days days{std::chrono::days{FloorDiv(ms, kDayMs)}};
  const std::chrono::year_month_day ymd{days};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::pair<size_t, size_t> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
  for (int i = 0; i < 3; ++i) {
    for (size_t k = spans[i].first; k < spans[i].first + spans[i].second; ++k) {
      if (text[k] < '0' || text[k] > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (text[k] - '0');
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{parts[0]},
                                        std::chrono::month{static_cast<unsigned>(parts[1])},
                                        std::chrono::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<int64_t>(std::chrono::sys_days{ymd}.time_since_epoch().count()) * kDayMs;
}

double NormalizedEditDistance(int64_t edit_distance, std::string_view draft_text,
                              std::string_view final_text) {
  const size_t longest =
      std::max(util::CodePointCount(draft_text), util::CodePointCount(final_text));
  if (longest == 0) return 0.0;
  return static_cast<double>(edit_distance) / static_cast<double>(longest);
}

Result<OutcomeReport> ComputeOutcomes(const OutcomeInput& input) {
  const OutcomeQuery& q = input.query;
  if (q.to_ms <= q.from_ms) {
    return InvalidArgument("la fin de la période doit être postérieure à son début");
  }
  const int64_t step = q.granularity == Granularity::kDay ? kDayMs : 7 * kDayMs;
  const int64_t first_bucket = BucketStart(q.from_ms, q.granularity);
  const int64_t bucket_count = FloorDiv(q.to_ms - 1 - first_bucket, step) + 1;
  if (bucket_count > kMaxPeriods) {
    return InvalidArgument(fmt::format("période trop longue : au plus {} {}", kMaxPeriods,
                                       q.granularity == Granularity::kDay ? "jours" : "semaines"));
  }

  Acc total = NewAcc();
  std::map<std::string, Acc> by_service;
  std::vector<Acc> periods;
  periods.reserve(static_cast<size_t>(bucket_count));
  for (int64_t i = 0; i < bucket_count; ++i) periods.push_back(NewAcc());

  // Calls fn on every subset an event of `service` at `at_ms` belongs to, if in the period.
  auto apply = [&](const std::string& service, int64_t at_ms, const auto& fn) {
    if (at_ms < q.from_ms || at_ms >= q.to_ms) return;
    fn(total);
    auto it = by_service.find(service);
    if (it == by_service.end()) it = by_service.emplace(service, NewAcc()).first;
    fn(it->second);
    fn(periods[static_cast<size_t>((at_ms - first_bucket) / step)]);
  };

  std::unordered_map<int64_t, const Message*> messages;
  for (const Message& m : input.messages) {
    if (q.service && m.service != *q.service) continue;
    messages.emplace(m.id, &m);
    const std::string channel(ToString(m.channel));
    const std::string intent = m.intent.empty() ? std::string(kUnclassifiedIntent) : m.intent;
    apply(m.service, m.received_at_ms, [&](Acc& a) {
      a.f.messages_received++;
      a.f.by_channel[channel]++;
      a.f.by_intent[intent]++;
      a.f.by_service[m.service]++;
    });
  }
  auto find_message = [&](int64_t id) -> const Message* {
    auto it = messages.find(id);
    return it == messages.end() ? nullptr : it->second;
  };

  std::unordered_map<int64_t, const Draft*> drafts;
  for (const Draft& d : input.drafts) {
    const Message* m = find_message(d.message_id);
    if (m == nullptr) continue;
    drafts.emplace(d.id, &d);
    apply(m->service, d.created_at_ms, [](Acc& a) { a.f.drafts_created++; });
  }

  // First sending decision of each message (earliest decided_at, then lowest id).
  std::unordered_map<int64_t, const Decision*> first_reply;
  for (const Decision& d : input.decisions) {
    const Message* m = find_message(d.message_id);
    if (m == nullptr) continue;
    if (d.draft_id.has_value() && d.kind != DecisionKind::kWrittenWithoutAi) {
      apply(m->service, d.decided_at_ms, [&](Acc& a) {
        a.f.draft_decisions++;
        if (d.kind == DecisionKind::kAccepted) a.f.drafts_accepted++;
        if (d.kind == DecisionKind::kEdited) a.f.drafts_edited++;
        if (d.kind == DecisionKind::kDiscarded) a.f.drafts_discarded++;
      });
    }
    if (!IsSending(d.kind)) continue;
    auto [it, inserted] = first_reply.emplace(d.message_id, &d);
    if (!inserted && (d.decided_at_ms < it->second->decided_at_ms ||
                      (d.decided_at_ms == it->second->decided_at_ms && d.id < it->second->id))) {
      it->second = &d;
    }
  }

  std::unordered_map<int64_t, ReplyInfo> replies_by_decision;
  for (const auto& [message_id, d] : first_reply) {
    const Message* m = find_message(message_id);
    replies_by_decision[d->id] = {m, d};
    std::optional<double> ned;
    if (IsAiAssisted(d->kind) && d->draft_id.has_value()) {
      auto dit = drafts.find(*d->draft_id);
      if (dit != drafts.end()) {
        ned = d->kind == DecisionKind::kAccepted
                  ? 0.0
                  : NormalizedEditDistance(d->edit_distance, dit->second->text, d->final_text);
      }
    }
    const int64_t response = d->decided_at_ms - m->received_at_ms;
    apply(m->service, d->decided_at_ms, [&](Acc& a) {
      a.f.replies++;
      if (d->kind == DecisionKind::kAccepted) a.f.replies_accepted++;
      if (d->kind == DecisionKind::kEdited) a.f.replies_edited++;
      if (d->kind == DecisionKind::kWrittenWithoutAi) a.f.replies_without_ai++;
      a.response_ms.push_back(response);
      if (ned) {
        a.ned_sum += *ned;
        a.ned_count++;
      }
    });
  }

  for (const SatisfactionRating& r : input.ratings) {
    auto it = replies_by_decision.find(r.decision_id);
    if (it == replies_by_decision.end()) continue;
    const ReplyInfo& reply = it->second;
    const bool ai = IsAiAssisted(reply.decision->kind);
    apply(reply.message->service, reply.decision->decided_at_ms, [&](Acc& a) {
      a.sat_all.Add(r);
      (ai ? a.sat_ai : a.sat_not_ai).Add(r);
    });
  }

  for (const DraftFeedback& fb : input.feedback) {
    int64_t message_id = fb.message_id;
    if (auto dit = drafts.find(fb.draft_id); dit != drafts.end()) {
      message_id = dit->second->message_id;
    }
    const Message* m = find_message(message_id);
    if (m == nullptr) continue;
    apply(m->service, fb.created_at_ms, [&](Acc& a) {
      (fb.thumbs_up ? a.f.feedback.thumbs_up : a.f.feedback.thumbs_down)++;
      for (FeedbackReason reason : fb.reasons)
        a.f.feedback.reasons[std::string(ToString(reason))]++;
    });
  }

  OutcomeReport report;
  report.query = q;
  report.total = std::move(total).Finish();
  for (auto& [service, acc] : by_service)
    report.by_service.emplace(service, std::move(acc).Finish());
  for (int64_t i = 0; i < bucket_count; ++i) {
    PeriodFigures p;
    p.start_ms = first_bucket + i * step;
    p.label = FormatDate(p.start_ms);
    p.figures = std::move(periods[static_cast<size_t>(i)]).Finish();
    report.periods.push_back(std::move(p));
  }
  return report;
}

// --- JSON ---------------------------------------------------------------------------------------

namespace {

nlohmann::json Opt(const std::optional<double>& v, double scale = 1.0) {
  if (!v) return nullptr;
  return *v * scale;
}

std::string IsoUtc(int64_t ms) {
  const int64_t secs = FloorDiv(ms, 1000);
  const int64_t sod = secs - FloorDiv(secs, 86400) * 86400;
  return fmt::format("{}T{:02d}:{:02d}:{:02d}Z", FormatDate(ms), sod / 3600, (sod / 60) % 60,
                     sod % 60);
}

nlohmann::json SatisfactionJson(const SatisfactionFigures& s) {
  return {{"ratings", s.ratings},
          {"score_counts", s.score_counts},
          {"mean_score", Opt(s.mean_score)},
          {"satisfied_share", Opt(s.satisfied_share)},
          {"useful_answers", s.useful_answers},
          {"useful_share", Opt(s.useful_share)}};
}

constexpr double kMsPerHour = 3'600'000.0;

nlohmann::json FiguresJson(const OutcomeFigures& f) {
  return {
      {"messages_received", f.messages_received},
      {"drafts_created", f.drafts_created},
      {"replies",
       {{"total", f.replies},
        {"accepted", f.replies_accepted},
        {"edited", f.replies_edited},
        {"written_without_ai", f.replies_without_ai}}},
      {"draft_decisions",
       {{"total", f.draft_decisions},
        {"accepted", f.drafts_accepted},
        {"edited", f.drafts_edited},
        {"discarded", f.drafts_discarded}}},
      {"response_time_hours",
       {{"median", Opt(f.median_response_ms, 1.0 / kMsPerHour)},
        {"mean", Opt(f.mean_response_ms, 1.0 / kMsPerHour)}}},
      {"ai_assisted_share", Opt(f.ai_assisted_share)},
      {"accepted_rate", Opt(f.accepted_rate)},
      {"edited_rate", Opt(f.edited_rate)},
      {"discarded_rate", Opt(f.discarded_rate)},
      {"mean_normalized_edit_distance", Opt(f.mean_normalized_edit_distance)},
      {"satisfaction",
       {{"all", SatisfactionJson(f.satisfaction)},
        {"ai_assisted", SatisfactionJson(f.satisfaction_ai_assisted)},
        {"not_assisted", SatisfactionJson(f.satisfaction_not_assisted)}}},
      {"agent_feedback",
       {{"thumbs_up", f.feedback.thumbs_up},
        {"thumbs_down", f.feedback.thumbs_down},
        {"positive_share", Opt(f.feedback.positive_share)},
        {"reasons", f.feedback.reasons}}},
      {"volumes",
       {{"by_channel", f.by_channel}, {"by_intent", f.by_intent}, {"by_service", f.by_service}}},
  };
}

std::string CsvField(std::string_view v) {
  std::string s(v);
  // Neutralise spreadsheet formulas.
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string Num(const std::optional<double>& v, int decimals, double scale = 1.0) {
  if (!v) return "";
  return fmt::format("{:.{}f}", *v * scale, decimals);
}

std::string CsvRow(std::string_view scope, std::string_view key, const OutcomeFigures& f) {
  std::vector<std::string> cells = {
      CsvField(scope),
      CsvField(key),
      std::to_string(f.messages_received),
      std::to_string(f.drafts_created),
      std::to_string(f.replies),
      std::to_string(f.replies_accepted),
      std::to_string(f.replies_edited),
      std::to_string(f.replies_without_ai),
      std::to_string(f.draft_decisions),
      std::to_string(f.drafts_discarded),
      Num(f.median_response_ms, 2, 1.0 / kMsPerHour),
      Num(f.mean_response_ms, 2, 1.0 / kMsPerHour),
      Num(f.ai_assisted_share, 4),
      Num(f.accepted_rate, 4),
      Num(f.edited_rate, 4),
      Num(f.discarded_rate, 4),
      Num(f.mean_normalized_edit_distance, 4),
      std::to_string(f.satisfaction.ratings),
      Num(f.satisfaction.mean_score, 2),
      Num(f.satisfaction.satisfied_share, 4),
      Num(f.satisfaction.useful_share, 4),
      Num(f.satisfaction_ai_assisted.mean_score, 2),
      Num(f.satisfaction_not_assisted.mean_score, 2),
      Num(f.satisfaction_ai_assisted.satisfied_share, 4),
      Num(f.satisfaction_not_assisted.satisfied_share, 4),
      std::to_string(f.feedback.thumbs_up),
      std::to_string(f.feedback.thumbs_down),
      Num(f.feedback.positive_share, 4),
  };
  return util::Join(cells, ",") + "\r\n";
}

}  // namespace

std::string OutcomeReportToJson(const OutcomeReport& report) {
  nlohmann::json by_service = nlohmann::json::object();
  for (const auto& [service, f] : report.by_service) by_service[service] = FiguresJson(f);
  nlohmann::json periods = nlohmann::json::array();
  for (const PeriodFigures& p : report.periods) {
    periods.push_back({{"start", p.label}, {"figures", FiguresJson(p.figures)}});
  }
  nlohmann::json doc = {
      {"query",
       {{"from", IsoUtc(report.query.from_ms)},
        {"to", IsoUtc(report.query.to_ms)},
        {"service", report.query.service ? nlohmann::json(*report.query.service) : nullptr},
        {"granularity", ToString(report.query.granularity)}}},
      {"total", FiguresJson(report.total)},
      {"by_service", std::move(by_service)},
      {"periods", std::move(periods)},
  };
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string OutcomeReportToCsv(const OutcomeReport& report) {
  std::string out =
      "périmètre,clé,messages_reçus,brouillons_créés,réponses,réponses_acceptées,"
      "réponses_modifiées,réponses_sans_ia,décisions_sur_brouillon,brouillons_écartés,"
      "délai_médian_heures,délai_moyen_heures,part_assistée_ia,taux_acceptés_tels_quels,"
      "taux_modifiés,taux_écartés,distance_édition_normalisée_moyenne,avis,note_moyenne,"
      "part_satisfaits,part_utile,note_moyenne_assistée_ia,note_moyenne_sans_ia,"
      "part_satisfaits_assistée_ia,part_satisfaits_sans_ia,pouces_haut,pouces_bas,"
      "part_avis_agents_positifs\r\n";
  out += CsvRow("total", report.query.service.value_or("tous"), report.total);
  for (const auto& [service, f] : report.by_service) out += CsvRow("service", service, f);
  const std::string_view scope = report.query.granularity == Granularity::kDay ? "jour" : "semaine";
  for (const PeriodFigures& p : report.periods) out += CsvRow(scope, p.label, p.figures);
  return out;
}

}  // namespace plume::metrics
