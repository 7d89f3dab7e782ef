// `plume report`: outcome figures (response time, AI-assisted share, satisfaction...) of a period.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/cli.h"
#include "cli/common.h"
#include "metrics/outcome_loader.h"
#include "metrics/outcomes.h"

namespace plume::cli {
namespace {

struct ReportArgs {
  std::string from;
  std::string to;
  std::string service;
  std::string granularity = "semaine";
  bool csv = false;
  bool json = false;
};

// French decimal notation: 3,5.
std::string Fr(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  return s;
}
std::string Pct(const std::optional<double>& v) { return v ? Fr(*v * 100.0, 1) + " %" : "—"; }
std::string Hours(const std::optional<double>& ms) {
  if (!ms) return "—";
  const double h = *ms / 3'600'000.0;
  return fmt::format("{} h ({} j)", Fr(h, 1), Fr(h / 24.0, 1));
}
std::string Score(const std::optional<double>& v) { return v ? Fr(*v, 2) + " / 5" : "—"; }

std::string Counts(const std::map<std::string, int64_t>& counts) {
  std::string out;
  for (const auto& [key, n] : counts) {
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", key, n);
  }
  return out.empty() ? "—" : out;
}

void PrintSatisfaction(std::string_view label, const metrics::SatisfactionFigures& s) {
  fmt::print("  {:<34} {} avis, note moyenne {}, satisfaits (4-5) {}, « utile » {}\n", label,
             s.ratings, Score(s.mean_score), Pct(s.satisfied_share), Pct(s.useful_share));
}

void PrintText(const metrics::OutcomeReport& r, std::string_view from, std::string_view to) {
  const metrics::OutcomeFigures& t = r.total;
  fmt::print("Rapport Plume du {} au {} inclus — service : {} — dates UTC\n", from, to,
             r.query.service.value_or("tous"));
  fmt::print("{:<36} {}\n", "Messages reçus", t.messages_received);
  fmt::print("{:<36} {}\n", "Brouillons proposés", t.drafts_created);
  fmt::print("{:<36} {} (acceptées telles quelles {}, modifiées {}, sans IA {})\n",
             "Réponses envoyées", t.replies, t.replies_accepted, t.replies_edited,
             t.replies_without_ai);
  fmt::print("{:<36} {}\n", "Délai de réponse médian", Hours(t.median_response_ms));
  fmt::print("{:<36} {}\n", "Délai de réponse moyen", Hours(t.mean_response_ms));
  fmt::print("{:<36} {}\n", "Part des réponses assistées par IA", Pct(t.ai_assisted_share));
  fmt::print("{:<36} acceptés {}, modifiés {}, écartés {} ({} décisions)\n", "Brouillons",
             Pct(t.accepted_rate), Pct(t.edited_rate), Pct(t.discarded_rate), t.draft_decisions);
  fmt::print("{:<36} {}\n", "Distance d'édition normalisée",
             t.mean_normalized_edit_distance ? Fr(*t.mean_normalized_edit_distance, 3) : "—");
  fmt::print("Satisfaction des usagers\n");
  PrintSatisfaction("toutes les réponses", t.satisfaction);
  PrintSatisfaction("réponses assistées par IA", t.satisfaction_ai_assisted);
  PrintSatisfaction("réponses sans IA", t.satisfaction_not_assisted);
  fmt::print("{:<36} {} positifs, {} négatifs ({} positifs) ; motifs : {}\n",
             "Avis des agents sur les brouillons", t.feedback.thumbs_up, t.feedback.thumbs_down,
             Pct(t.feedback.positive_share), Counts(t.feedback.reasons));
  fmt::print("{:<36} {}\n", "Messages par canal", Counts(t.by_channel));
  fmt::print("{:<36} {}\n", "Messages par intention", Counts(t.by_intent));
  fmt::print("{:<36} {}\n", "Messages par service", Counts(t.by_service));

  const auto row = [](std::string_view key, const metrics::OutcomeFigures& f) {
    fmt::print("  {:<16} {:>6} {:>8} {:>14} {:>10} {:>12}\n", key, f.messages_received, f.replies,
               f.median_response_ms ? Fr(*f.median_response_ms / 3'600'000.0, 1) : "—",
               Pct(f.ai_assisted_share),
               f.satisfaction.mean_score ? Fr(*f.satisfaction.mean_score, 2) : "—");
  };
  const auto header = [](std::string_view first) {
    fmt::print("  {:<16} {:>6} {:>8} {:>14} {:>10} {:>12}\n", first, "reçus", "réponses",
               "médiane (h)", "part IA", "note usagers");
  };
  fmt::print("\nPar service\n");
  header("service");
  for (const auto& [service, f] : r.by_service) row(service, f);
  fmt::print("\nPar {}\n", r.query.granularity == metrics::Granularity::kDay ? "jour" : "semaine");
  header(r.query.granularity == metrics::Granularity::kDay ? "jour" : "semaine du");
  for (const auto& p : r.periods) row(p.label, p.figures);
}

int RunReport(const Context& ctx, const ReportArgs& args) {
  const auto from = metrics::ParseDate(args.from);
  const auto to = metrics::ParseDate(args.to);
  if (!from || !to) {
    return ReportFailure(InvalidArgument("dates attendues au format AAAA-MM-JJ (ex. 2026-11-02)"));
  }
  if (*to < *from) {
    return ReportFailure(InvalidArgument("--to doit être postérieure ou égale à --from"));
  }
  if (args.csv && args.json) {
    return ReportFailure(InvalidArgument("choisir --csv ou --json, pas les deux"));
  }
  metrics::OutcomeQuery query;
  query.from_ms = *from;
  query.to_ms = *to + 86'400'000;  // --to is inclusive
  if (!args.service.empty()) query.service = args.service;
  if (!metrics::ParseGranularity(args.granularity, &query.granularity)) {
    return ReportFailure(InvalidArgument("--par attend « jour » ou « semaine »"));
  }
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  auto input = metrics::LoadOutcomeInput(**store, query);
  if (!input.ok()) return ReportFailure(input.status());
  auto report = metrics::ComputeOutcomes(*input);
  if (!report.ok()) return ReportFailure(report.status());
  if (args.csv) {
    fmt::print("{}", metrics::OutcomeReportToCsv(*report));
  } else if (args.json) {
    fmt::print("{}\n", metrics::OutcomeReportToJson(*report));
  } else {
    PrintText(*report, args.from, args.to);
  }
  return 0;
}

}  // namespace

void RegisterReportCommands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand(
      "report",
      "Indicateurs de résultat d'une période : délais, part assistée par IA, satisfaction");
  report->add_option("--from", args->from, "Premier jour (AAAA-MM-JJ, UTC)")->required();
  report->add_option("--to", args->to, "Dernier jour inclus (AAAA-MM-JJ, UTC)")->required();
  report->add_option("--service", args->service, "Un seul service (ex. caf-75) ; défaut : tous");
  report->add_option("--par", args->granularity, "Regroupement : jour ou semaine")
      ->capture_default_str();
  report->add_flag("--csv", args->csv, "Sortie CSV (même contenu que l'export du tableau de bord)");
  report->add_flag("--json", args->json, "Sortie JSON (celle de GET /api/metrics/outcomes)");
  report->callback([&ctx, args] { ctx.exit_code = RunReport(ctx, *args); });
}

}  // namespace plume::cli
