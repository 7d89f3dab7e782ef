// `plume eval retrieval`: search quality and latency, with an optional PostgreSQL FTS baseline
// run on the same documents and queries in the same process.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/common.h"
#include "eval/pg_fts_baseline.h"
#include "eval/retrieval_eval.h"
#include "intent/model_store.h"
#include "intent/router.h"
#include "intent/taxonomy.h"
#include "retrieval/bm25_retriever.h"
#include "util/files.h"

namespace plume::cli {
namespace {

using json = nlohmann::json;

struct EvalArgs {
  std::string queries = "../shared/data/cdtn-queries-dev.json";
  std::string baseline_pg;
  std::string json_out;
  int depth = 20;  // results fetched per query before de-duplicating fiche ids
  // Issue #6: one more row per weight, each query narrowed to the intent the serving model
  // predicts for it (SearchRequest::other_theme_weight).
  std::vector<double> intent_weights;
};

json MetricsJson(const eval::Metrics& m) {
  return {{"queries", m.queries},
          {"failures", m.failures},
          {"recall@1", m.recall_at_1},
          {"recall@5", m.recall_at_5},
          {"recall@10", m.recall_at_10},
          {"success@1", m.success_at_1},
          {"success@5", m.success_at_5},
          {"success@10", m.success_at_10},
          {"mrr@10", m.mrr_at_10},
          {"ndcg@10", m.ndcg_at_10},
          {"latency_p50_ms", m.latency_p50_ms},
          {"latency_p99_ms", m.latency_p99_ms},
          {"latency_mean_ms", m.latency_mean_ms}};
}

void PrintTable(const std::vector<std::pair<std::string, eval::Metrics>>& rows) {
  fmt::print("{:<22}{:>8}{:>8}{:>8}{:>8}{:>8}{:>8}{:>10}{:>10}{:>10}\n", "système", "R@1", "R@5",
             "R@10", "S@5", "MRR", "nDCG@10", "p50 ms", "p99 ms", "échecs");
  for (const auto& [name, m] : rows) {
    fmt::print("{:<22}{:>8.3f}{:>8.3f}{:>8.3f}{:>8.3f}{:>8.3f}{:>8.3f}{:>10.3f}{:>10.3f}{:>10}\n",
               name, m.recall_at_1, m.recall_at_5, m.recall_at_10, m.success_at_5, m.mrr_at_10,
               m.ndcg_at_10, m.latency_p50_ms, m.latency_p99_ms, m.failures);
  }
}

int RunEvalRetrieval(const Context& ctx, const EvalArgs& args) {
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  auto set = eval::LoadCdtnQueries(args.queries, **store);
  if (!set.ok()) return ReportFailure(set.status());
  const auto& st = set->stats;
  fmt::print("Jeu de requêtes : {} groupes, {} variantes, {} requêtes évaluées\n", st.clusters,
             st.variants, st.queries_kept);
  fmt::print(
      "Références : {} vers des sources ingérées, {} associées à une fiche, {} non "
      "associées\n",
      st.refs_in_corpus, st.refs_mapped, st.unmapped.size());
  for (const auto& [source, n] : st.refs_by_source) fmt::print("  {:<26} {}\n", source, n);
  if (set->queries.empty())
    return ReportFailure(FailedPrecondition("no query with a mapped reference"));

  auto retriever = OpenRetriever(ctx);
  if (!retriever.ok()) return ReportFailure(retriever.status());
  auto plume_rank = [&](const std::string& q) -> Result<std::vector<std::string>> {
    SearchRequest req;
    req.query = q;
    req.limit = args.depth;
    req.with_snippets = false;  // both systems return ranked ids only
    PLUME_ASSIGN_OR_RETURN(auto hits, (*retriever)->Search(req));
    std::vector<std::string> ids;
    for (const auto& h : hits) ids.push_back(h.fiche_id);
    return ids;
  };
  (void)eval::Evaluate(*set, plume_rank);  // warm-up pass: page cache, pooled handles
  std::vector<std::pair<std::string, eval::Metrics>> rows;
  rows.emplace_back("plume-bm25 (xapian)", eval::Evaluate(*set, plume_rank));
  if (!args.intent_weights.empty()) {
    // Intents predicted once, outside the timed searches (prediction latency: intent_bench).
    std::string model_source;
    auto model = intent::LoadServingModel(**store, std::filesystem::path(ctx.data_dir) / "intent",
                                          &model_source);
    if (!model.ok()) return ReportFailure(model.status());
    auto taxonomy = intent::Taxonomy::Load(intent::TaxonomyPath(ctx.resource_dir));
    if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
    const auto themes = taxonomy->ThemesByIntent();
    std::map<std::string, std::vector<std::string>> query_themes;
    std::map<std::string, int64_t> by_intent;
    for (const auto& q : set->queries) {
      Message m;
      m.body = q.text;
      auto p = intent::PredictMessageIntent(m, *model->classifier);
      std::string label = p.ok() && !p->to_qualify ? p->label : std::string(kToQualifyIntent);
      ++by_intent[label];
      if (auto it = themes.find(label); it != themes.end()) query_themes[q.text] = it->second;
    }
    fmt::print("Intentions prédites (modèle version {}) :", model->manifest.version);
    for (const auto& [label, n] : by_intent) fmt::print(" {} {}", label, n);
    fmt::print("\n");
    for (double w : args.intent_weights) {
      auto narrowed = [&](const std::string& q) -> Result<std::vector<std::string>> {
        SearchRequest req;
        req.query = q;
        req.limit = args.depth;
        req.with_snippets = false;
        if (auto it = query_themes.find(q); it != query_themes.end()) {
          req.themes = it->second;
          req.other_theme_weight = w;
        }
        PLUME_ASSIGN_OR_RETURN(auto hits, (*retriever)->Search(req));
        std::vector<std::string> ids;
        for (const auto& h : hits) ids.push_back(h.fiche_id);
        return ids;
      };
      (void)eval::Evaluate(*set, narrowed);
      rows.emplace_back(fmt::format("bm25+intention w={:g}", w), eval::Evaluate(*set, narrowed));
    }
  }

  if (!args.baseline_pg.empty()) {
    auto pg = eval::PgFtsBaseline::Connect(args.baseline_pg);
    if (!pg.ok()) return ReportFailure(pg.status());
    auto rows_loaded = (*pg)->Load(**store);
    if (!rows_loaded.ok()) return ReportFailure(rows_loaded.status());
    fmt::print("PostgreSQL : {} fiches chargées (configuration french, ts_rank_cd)\n",
               *rows_loaded);
    auto pg_rank = [&](const std::string& q) { return (*pg)->Search(q, args.depth); };
    (void)eval::Evaluate(*set, pg_rank);
    rows.emplace_back("postgres-fts (french)", eval::Evaluate(*set, pg_rank));
  }
  fmt::print("\n");
  PrintTable(rows);
  if (args.intent_weights.empty() && rows.size() == 2 && rows[0].second.latency_p50_ms > 0) {
    fmt::print("\nRapport de latence p50 PostgreSQL / Plume : {:.1f}x ; p99 : {:.1f}x\n",
               rows[1].second.latency_p50_ms / rows[0].second.latency_p50_ms,
               rows[1].second.latency_p99_ms / rows[0].second.latency_p99_ms);
  }
  if (!args.json_out.empty()) {
    json out = {{"queries_file", args.queries},
                {"clusters", st.clusters},
                {"variants", st.variants},
                {"queries_evaluated", st.queries_kept},
                {"refs_by_source", st.refs_by_source},
                {"refs_in_corpus", st.refs_in_corpus},
                {"refs_mapped", st.refs_mapped},
                {"refs_unmapped", st.unmapped},
                {"systems", json::object()}};
    for (const auto& [name, m] : rows) out["systems"][name] = MetricsJson(m);
    Status w = util::WriteFileAtomic(args.json_out, out.dump(2) + "\n");
    if (!w.ok()) return ReportFailure(w);
    fmt::print("Résultats JSON : {}\n", args.json_out);
  }
  return 0;
}

}  // namespace

void RegisterEvalCommands(CLI::App& /*app*/, CLI::App& eval, Context& ctx) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* retrieval = eval.add_subcommand(
      "retrieval", "Qualité (rappel, MRR, nDCG) et latence de la recherche sur un jeu gradué");
  retrieval->add_option("--queries", args->queries, "Fichier de requêtes (format cdtn)")
      ->capture_default_str();
  retrieval->add_option("--baseline-pg", args->baseline_pg,
                        "URL PostgreSQL pour la référence plein texte (postgresql://...)");
  retrieval->add_option("--json-out", args->json_out, "Écrit les résultats en JSON");
  retrieval
      ->add_option("--intent-weight", args->intent_weights,
                   "Ajoute une ligne par poids : recherche restreinte au thème de l'intention "
                   "prédite (part du score gardée hors thème, 0 à 1 ; répétable)")
      ->check(CLI::Range(0.0, 1.0));
  retrieval->add_option("--depth", args->depth, "Résultats demandés par requête")
      ->capture_default_str();
  retrieval->callback([&ctx, args] { ctx.exit_code = RunEvalRetrieval(ctx, *args); });
}

}  // namespace plume::cli
