// `plume intent ...`: train, evaluate and use the intent classifier; routing rules.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/common.h"
#include "intent/bm25_theme_classifier.h"
#include "intent/corrections.h"
#include "intent/dataset.h"
#include "intent/evaluation.h"
#include "intent/fasttext_classifier.h"
#include "intent/model_registry.h"
#include "intent/model_store.h"
#include "intent/router.h"
#include "intent/routing_service.h"
#include "intent/taxonomy.h"
#include "plume/clock.h"
#include "util/files.h"

namespace plume::cli {
namespace {

using json = nlohmann::json;

struct DataArgs {
  std::string queries = "../shared/data/cdtn-queries-dev.json";
  bool no_fiches = false;
  bool no_corrections = false;
};

struct IntentArgs {
  DataArgs data;
  intent::FastTextParams params;
  double threshold = -1;  // <0: model default (train: 0.5)
  bool all_splits = false;
  std::string split = "test";
  int64_t version = 0;  // 0: active
  int neighbors = 5;
  bool no_baseline = false;
  std::string json_out;
  int k = 3;
  std::string text;
  std::string label, predicted, agent;
  std::string service;
  std::string routing;
  std::string subject;
};

std::filesystem::path IntentRoot(const Context& ctx) {
  return std::filesystem::path(ctx.data_dir) / "intent";
}

Result<intent::Taxonomy> LoadTaxonomy(const Context& ctx) {
  return intent::Taxonomy::Load(intent::TaxonomyPath(ctx.resource_dir));
}

// The text argument, or standard input when it is "-" (at most kMaxIntentTextBytes + 1 bytes
// are read so an oversized input is reported, not truncated).
std::string ReadTextArg(const std::string& arg) {
  if (arg != "-") return arg;
  std::string out;
  char buf[4096];
  size_t n;
  while (out.size() <= kMaxIntentTextBytes && (n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    out.append(buf, n);
  }
  return out;
}

Result<intent::Dataset> BuildDataset(const Context& ctx, const DataArgs& args,
                                     const intent::Taxonomy& taxonomy, Store* store) {
  intent::DatasetStats stats;
  std::vector<std::vector<intent::LabeledExample>> sources;
  if (!args.queries.empty()) {
    PLUME_ASSIGN_OR_RETURN(auto cdtn, intent::LoadCdtnExamples(args.queries, taxonomy, &stats));
    sources.push_back(std::move(cdtn));
  }
  if (!args.no_fiches) {
    if (store == nullptr) return FailedPrecondition("no store");
    PLUME_ASSIGN_OR_RETURN(auto fiches, intent::LoadFicheExamples(*store, taxonomy, &stats));
    if (fiches.empty()) {
      return FailedPrecondition(
          "aucune fiche Question-réponse dans la base : lancez « plume kb ingest »");
    }
    sources.push_back(std::move(fiches));
  }
  if (!args.no_corrections) {
    int64_t skipped = 0;
    intent::ModelRegistry registry(IntentRoot(ctx));
    if (store != nullptr) {
      // An old corrections file moves into the store first, so no correction counts twice.
      PLUME_ASSIGN_OR_RETURN(auto imported, intent::ImportCorrectionsFile(
                                                *store, taxonomy, registry.CorrectionsPath()));
      if (!imported.renamed_to.empty()) {
        fmt::print("{} correction(s) du fichier importée(s) dans la base ({} nouvelle(s)).\n",
                   imported.lines - imported.skipped, imported.added);
      }
    }
    PLUME_ASSIGN_OR_RETURN(auto corr,
                           intent::LoadCorrections(registry.CorrectionsPath(), taxonomy, &skipped));
    // Agents' corrections made in the web interface (POST /api/messages/{id}/intent).
    if (store != nullptr) {
      PLUME_ASSIGN_OR_RETURN(auto stored, intent::LoadStoreCorrections(*store, taxonomy, &skipped));
      corr.insert(corr.end(), stored.begin(), stored.end());
    }
    if (skipped > 0) {
      fmt::print("{} correction(s) ignorée(s) : intention absente de la taxonomie.\n", skipped);
    }
    stats.corrections = static_cast<int64_t>(corr.size());
    sources.push_back(std::move(corr));
  }
  return intent::MergeExamples(std::move(sources), stats);
}

void PrintDatasetStats(const intent::Dataset& ds) {
  const auto& s = ds.stats;
  int64_t n[3] = {0, 0, 0};
  for (const auto& ex : ds.examples) {
    intent::Split sp =
        ex.origin == "correction" ? intent::Split::kTrain : intent::SplitOf(ex.group);
    n[static_cast<int>(sp)]++;
  }
  fmt::print(
      "Données : {} exemples ({} groupes CDTN / {} variantes, {} fiches Question-réponse, {} "
      "corrections ; {} doublons et {} sans thème écartés)\n",
      ds.examples.size(), s.cdtn_clusters, s.cdtn_variants, s.fiches, s.corrections,
      s.duplicates_dropped, s.unlabeled_dropped);
  fmt::print("Découpage par groupe : entraînement {}, validation {}, test {}\n", n[0], n[1], n[2]);
}

void PrintRun(const intent::IntentEvalRun& run, const intent::Taxonomy& taxonomy, bool per_class) {
  fmt::print("\n== {} : {} exemples ==\n", run.system, run.report.examples);
  fmt::print(
      "exactitude {:.3f}   macro-F1 {:.3f}   couverture au seuil {:.3f} (exactitude {:.3f})   "
      "échecs {}\n",
      run.report.accuracy, run.report.macro_f1, run.coverage, run.accuracy_covered, run.failures);
  for (const auto& [origin, v] : run.accuracy_by_origin) {
    fmt::print("  exactitude sur {:<10} {:.3f} ({} exemples)\n", origin, v.second, v.first);
  }
  fmt::print("latence p50 {:.3f} ms, p99 {:.3f} ms, moyenne {:.3f} ms\n", run.latency_p50_ms,
             run.latency_p99_ms, run.latency_mean_ms);
  if (!per_class) return;
  fmt::print("{:<26}{:>9}{:>9}{:>9}{:>9}{:>9}\n", "intention", "P", "R", "F1", "support",
             "prédits");
  for (const auto& c : run.report.per_class) {
    std::string name = c.label.empty() ? "(aucune)" : taxonomy.NameOf(c.label);
    fmt::print("{:<26}{:>9.3f}{:>9.3f}{:>9.3f}{:>9}{:>9}\n", name, c.precision, c.recall, c.f1,
               c.support, c.predicted);
  }
}

intent::IntentPredictFn FastTextFn(const intent::FastTextClassifier& clf) {
  return [&clf](const intent::LabeledExample& ex) { return clf.Predict(ex.text, 3); };
}

int RunTrain(const Context& ctx, const IntentArgs& args) {
  auto taxonomy = LoadTaxonomy(ctx);
  if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
  // The store gives the fiches, the agents' corrections, and receives the new model.
  auto opened = OpenConfiguredStore(ctx);
  if (!opened.ok()) return ReportFailure(opened.status());
  std::unique_ptr<Store> store = std::move(opened).value();
  auto ds = BuildDataset(ctx, args.data, *taxonomy, store.get());
  if (!ds.ok()) return ReportFailure(ds.status());
  PrintDatasetStats(*ds);
  std::vector<intent::LabeledExample> train =
      intent::SelectSplit(ds->examples, intent::Split::kTrain);
  if (args.all_splits) {
    for (auto split : {intent::Split::kDev, intent::Split::kTest}) {
      auto more = intent::SelectSplit(ds->examples, split);
      train.insert(train.end(), more.begin(), more.end());
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(IntentRoot(ctx), ec);
  std::filesystem::path tmp = IntentRoot(ctx) / "training.bin";
  fmt::print("Entraînement fastText sur {} exemples…\n", train.size());
  Status st = intent::TrainFastText(train, args.params, tmp);
  if (!st.ok()) return ReportFailure(st);
  double threshold = args.threshold < 0 ? 0.5 : args.threshold;
  auto clf = intent::FastTextClassifier::Load(tmp, threshold, "fasttext (nouveau)");
  if (!clf.ok()) return ReportFailure(clf.status());
  auto dev = intent::SelectSplit(ds->examples, intent::Split::kDev);
  auto run = intent::EvaluateIntent("fasttext (validation)", dev, FastTextFn(**clf));
  PrintRun(run, *taxonomy, false);

  intent::ModelManifest m;
  m.data_hash = ds->hash;
  m.taxonomy_version = taxonomy->version();
  m.labels = (*clf)->Labels();
  m.threshold = threshold;
  m.params = args.params;
  m.training_splits = args.all_splits ? "train+dev+test" : "train";
  m.train_examples = static_cast<int64_t>(train.size());
  m.eval_json = json{{"split", "dev"}, {"run", json::parse(intent::EvalRunToJson(run))}}.dump();
  clf->reset();
  intent::ModelRegistry registry(IntentRoot(ctx));
  SystemClock clock;
  auto added = registry.Add(tmp, m, clock);
  if (!added.ok()) return ReportFailure(added.status());
  fmt::print("\nModèle version {} enregistré ({}).\n", added->version,
             registry.ModelPath(added->version).string());
  if (int64_t pinned = registry.Pinned()) {
    fmt::print(
        "Attention : la version {} reste active (épinglée) ; « plume intent use {} » pour "
        "activer la nouvelle.\n",
        pinned, added->version);
  } else {
    Status published = intent::PublishModel(*store, registry, *added, clock.NowMillis());
    if (!published.ok()) return ReportFailure(published);
    fmt::print(
        "Version {} publiée dans la base : les nœuds en service la chargent d'eux-mêmes "
        "(plume serve --intent-check-s).\n",
        added->version);
  }
  if (!args.json_out.empty()) {
    Status w = util::WriteFileAtomic(args.json_out, intent::ManifestToJson(*added));
    if (!w.ok()) return ReportFailure(w);
  }
  return 0;
}

Result<intent::ModelManifest> SelectModel(const intent::ModelRegistry& registry, int64_t version) {
  return version > 0 ? registry.Get(version) : registry.Active();
}

int RunEval(const Context& ctx, const IntentArgs& args) {
  intent::Split split;
  if (!intent::ParseSplit(args.split, &split) || split == intent::Split::kTrain) {
    return ReportFailure(InvalidArgument("--split doit valoir « dev » ou « test »"));
  }
  auto taxonomy = LoadTaxonomy(ctx);
  if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  DataArgs data = args.data;
  data.no_corrections = true;  // corrections are training-only
  auto ds = BuildDataset(ctx, data, *taxonomy, store->get());
  if (!ds.ok()) return ReportFailure(ds.status());
  PrintDatasetStats(*ds);
  intent::ModelRegistry registry(IntentRoot(ctx));
  auto manifest = SelectModel(registry, args.version);
  if (!manifest.ok()) return ReportFailure(manifest.status());
  auto clf = registry.Load(*manifest, args.threshold);
  if (!clf.ok()) return ReportFailure(clf.status());
  if (manifest->data_hash != ds->hash) {
    fmt::print("Attention : les données ont changé depuis l'entraînement de la version {}.\n",
               manifest->version);
  }
  if (manifest->training_splits != "train") {
    fmt::print(
        "Attention : la version {} a été entraînée sur « {} » : le test n'est pas "
        "indépendant.\n",
        manifest->version, manifest->training_splits);
  }
  auto examples = intent::SelectSplit(ds->examples, split);
  fmt::print("Évaluation sur « {} » : {} exemples, seuil {:.2f}\n", args.split, examples.size(),
             (*clf)->threshold());
  std::vector<intent::IntentEvalRun> runs;
  runs.push_back(intent::EvaluateIntent((*clf)->Name(), examples, FastTextFn(**clf)));
  if (!args.no_baseline) {
    auto retriever = OpenRetriever(ctx);
    if (!retriever.ok()) return ReportFailure(retriever.status());
    std::vector<int> neighbor_counts = {1};
    if (args.neighbors != 1) neighbor_counts.push_back(args.neighbors);
    for (int neighbors : neighbor_counts) {
      auto base = intent::Bm25ThemeClassifier::Create(**retriever, **store, *taxonomy, neighbors,
                                                      (*clf)->threshold());
      if (!base.ok()) return ReportFailure(base.status());
      const intent::Bm25ThemeClassifier& b = **base;
      runs.push_back(
          intent::EvaluateIntent(b.Name(), examples, [&b](const intent::LabeledExample& ex) {
            return b.PredictExcluding(ex.text, 3, ex.fiche_id);
          }));
    }
  }
  for (const auto& run : runs) PrintRun(run, *taxonomy, true);
  fmt::print("\n{:<16}{:>12}{:>10}{:>12}{:>12}\n", "système", "exactitude", "macro-F1",
             "couverture", "p50 ms");
  for (const auto& run : runs) {
    fmt::print("{:<16}{:>12.3f}{:>10.3f}{:>12.3f}{:>12.3f}\n", run.system, run.report.accuracy,
               run.report.macro_f1, run.coverage, run.latency_p50_ms);
  }
  if (!args.json_out.empty()) {
    json out = {{"split", args.split},
                {"model_version", manifest->version},
                {"threshold", (*clf)->threshold()},
                {"data_hash", ds->hash},
                {"examples", examples.size()},
                {"runs", json::array()}};
    for (const auto& run : runs) out["runs"].push_back(json::parse(intent::EvalRunToJson(run)));
    Status w = util::WriteFileAtomic(args.json_out, out.dump(2) + "\n");
    if (!w.ok()) return ReportFailure(w);
  }
  return 0;
}

int RunPredict(const Context& ctx, const IntentArgs& args) {
  auto taxonomy = LoadTaxonomy(ctx);
  if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
  intent::ModelRegistry registry(IntentRoot(ctx));
  auto manifest = SelectModel(registry, args.version);
  if (!manifest.ok()) return ReportFailure(manifest.status());
  auto clf = registry.Load(*manifest, args.threshold);
  if (!clf.ok()) return ReportFailure(clf.status());
  auto p = (*clf)->Predict(ReadTextArg(args.text), args.k);
  if (!p.ok()) return ReportFailure(p.status());
  fmt::print("{} ({:.3f}){}\n", taxonomy->NameOf(p->label), p->confidence,
             p->reason.empty() ? "" : " : " + p->reason);
  for (const auto& s : p->top)
    fmt::print("  {:<26} {:.3f}\n", taxonomy->NameOf(s.label), s.confidence);
  return 0;
}

int RunModels(const Context& ctx) {
  intent::ModelRegistry registry(IntentRoot(ctx));
  auto all = registry.List();
  if (!all.ok()) return ReportFailure(all.status());
  if (all->empty()) {
    fmt::print("Aucun modèle d'intention (plume intent train).\n");
    return 0;
  }
  auto active = registry.Active();
  fmt::print("{:<3}{:>8}  {:<22}{:>10}{:>8}{:>10}{:>10}  {}\n", "", "version", "créé le",
             "exemples", "seuil", "exact.", "macro-F1", "données");
  for (const auto& m : *all) {
    json ev = json::parse(m.eval_json, nullptr, false);
    double acc = 0, f1 = 0;
    if (!ev.is_discarded() && ev.contains("run")) {
      acc = ev["run"].value("accuracy", 0.0);
      f1 = ev["run"].value("macro_f1", 0.0);
    }
    bool is_active = active.ok() && active->version == m.version;
    fmt::print("{:<3}{:>8}  {:<22}{:>10}{:>8.2f}{:>10.3f}{:>10.3f}  {} {}\n", is_active ? "*" : "",
               m.version, m.created_at, m.train_examples, m.threshold, acc, f1, m.training_splits,
               m.data_hash.substr(0, 12));
  }
  fmt::print("(exactitude et macro-F1 sur la validation ; * = version active{})\n",
             registry.Pinned() ? ", épinglée" : ", la plus récente");
  return 0;
}

// Makes the registry's active version the store's active model too (every node).
int PublishActive(const Context& ctx, const intent::ModelRegistry& registry) {
  auto active = registry.Active();
  if (!active.ok()) return ReportFailure(active.status());
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  SystemClock clock;
  Status s = intent::PublishModel(**store, registry, *active, clock.NowMillis());
  if (!s.ok()) return ReportFailure(s);
  fmt::print("Version {} active dans la base (chargée par les nœuds en service).\n",
             active->version);
  return 0;
}

int RunUse(const Context& ctx, const std::string& which) {
  intent::ModelRegistry registry(IntentRoot(ctx));
  if (which == "latest") {
    Status s = registry.UseLatest();
    if (!s.ok()) return ReportFailure(s);
    fmt::print("La version la plus récente sera utilisée.\n");
    return PublishActive(ctx, registry);
  }
  int64_t v = 0;
  try {
    size_t pos = 0;
    v = std::stoll(which, &pos);
    if (pos != which.size()) v = 0;
  } catch (const std::exception&) {
    v = 0;
  }
  if (v <= 0) return ReportFailure(InvalidArgument("version invalide : " + which));
  Status s = registry.Use(v);
  if (!s.ok()) return ReportFailure(s);
  fmt::print("Version {} active.\n", v);
  return PublishActive(ctx, registry);
}

int RunCorrect(const Context& ctx, const IntentArgs& args) {
  auto taxonomy = LoadTaxonomy(ctx);
  if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  SystemClock clock;
  auto added = intent::RecordCorrection(
      **store, *taxonomy, {ReadTextArg(args.text), args.label, args.predicted, args.agent, 0},
      clock);
  if (!added.ok()) return ReportFailure(added.status());
  fmt::print(
      "Correction enregistrée dans la base ; elle servira au prochain « plume intent "
      "train ».\n");
  return 0;
}

std::string RoutingPath(const Context& ctx, const IntentArgs& args) {
  return args.routing.empty() ? ctx.data_dir + "/routing.toml" : args.routing;
}

int RunRoutingCheck(const Context& ctx, const IntentArgs& args) {
  auto taxonomy = LoadTaxonomy(ctx);
  if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
  auto config = intent::LoadRoutingConfig(RoutingPath(ctx, args), *taxonomy);
  if (!config.ok()) return ReportFailure(config.status());
  fmt::print("{} : valide ({} service(s), file par défaut « {} »)\n", RoutingPath(ctx, args),
             config->services.size(), config->global.default_queue);
  return 0;
}

// Imports a TOML rules file into the store (bootstrapping the rules admins then edit on the web).
int RunRoutingImport(const Context& ctx, const IntentArgs& args) {
  auto taxonomy = LoadTaxonomy(ctx);
  if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
  auto config = intent::LoadRoutingConfig(RoutingPath(ctx, args), *taxonomy);
  if (!config.ok()) return ReportFailure(config.status());
  RoutingRuleSet rules = intent::RuleSetFromConfig(*config);
  if (Status s = intent::ValidateRuleSet(rules, *taxonomy); !s.ok()) return ReportFailure(s);
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  SystemClock clock;
  AuditEntry audit;
  audit.at_ms = clock.NowMillis();
  audit.agent = "plume intent routing-import";
  audit.action = "routing_rules_updated";
  audit.detail = RoutingPath(ctx, args);
  if (Status s = (*store)->ReplaceRoutingRules(rules, audit); !s.ok()) return ReportFailure(s);
  fmt::print(
      "{} règle(s) et {} service(s) enregistrés dans la base (elles remplacent les "
      "précédentes).\n",
      rules.rules.size(), rules.services.size());
  return 0;
}

// Moves the old <data-dir>/intent/corrections.jsonl into the store once (issue #6).
int RunCorrectionsImport(const Context& ctx) {
  auto taxonomy = LoadTaxonomy(ctx);
  if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  intent::ModelRegistry registry(IntentRoot(ctx));
  auto imported = intent::ImportCorrectionsFile(**store, *taxonomy, registry.CorrectionsPath());
  if (!imported.ok()) return ReportFailure(imported.status());
  if (imported->renamed_to.empty()) {
    fmt::print("Aucun fichier {} : rien à importer.\n", registry.CorrectionsPath().string());
    return 0;
  }
  fmt::print(
      "{} correction(s) lue(s), {} ajoutée(s) à la base ({} déjà importée(s), {} hors "
      "taxonomie) ; fichier renommé en {}.\n",
      imported->lines, imported->added, imported->lines - imported->skipped - imported->added,
      imported->skipped, imported->renamed_to.string());
  return 0;
}

int RunRoute(const Context& ctx, const IntentArgs& args) {
  auto taxonomy = LoadTaxonomy(ctx);
  if (!taxonomy.ok()) return ReportFailure(taxonomy.status());
  // Rules of the TOML file given with --routing, else those of the store.
  Result<intent::RoutingConfig> config = InvalidArgument("");
  if (!args.routing.empty()) {
    config = intent::LoadRoutingConfig(args.routing, *taxonomy);
  } else if (auto store = OpenConfiguredStore(ctx); !store.ok()) {
    config = store.status();
  } else if (auto rules = (*store)->GetRoutingRules(); !rules.ok()) {
    config = rules.status();
  } else {
    config = intent::ConfigFromRuleSet(*rules);
  }
  if (!config.ok()) return ReportFailure(config.status());
  intent::ModelRegistry registry(IntentRoot(ctx));
  auto manifest = SelectModel(registry, args.version);
  if (!manifest.ok()) return ReportFailure(manifest.status());
  auto clf = registry.Load(*manifest, args.threshold);
  if (!clf.ok()) return ReportFailure(clf.status());
  intent::Router router(std::move(config).value(), **clf);
  Message m;
  m.service = args.service;
  m.subject = args.subject;
  m.body = ReadTextArg(args.text);
  auto d = router.Route(m);
  if (!d.ok()) return ReportFailure(d.status());
  fmt::print("file : {}\nintention : {} ({:.3f})\nrègle : {}\n", d->queue,
             taxonomy->NameOf(d->intent), d->confidence, d->rule);
  if (!d->prediction.reason.empty()) fmt::print("motif : {}\n", d->prediction.reason);
  return 0;
}

void AddDataOptions(CLI::App* cmd, IntentArgs* a) {
  cmd->add_option("--queries", a->data.queries, "Requêtes CDTN (variantes → thème)")
      ->capture_default_str();
  cmd->add_flag("--no-fiches", a->data.no_fiches, "Sans les titres des fiches Question-réponse");
}

}  // namespace

void RegisterIntentCommands(CLI::App& app, Context& ctx) {
  // shared_ptr: the options and callbacks CLI11 keeps after this function returns share them.
  auto args = std::make_shared<IntentArgs>();
  CLI::App* intent = app.add_subcommand("intent", "Reconnaissance d'intention et routage");
  intent->require_subcommand(1);

  CLI::App* train =
      intent->add_subcommand("train", "Entraîne un nouveau modèle fastText (versionné)");
  AddDataOptions(train, args.get());
  train->add_flag("--no-corrections", args->data.no_corrections, "Sans les corrections des agents");
  train->add_flag("--all-splits", args->all_splits,
                  "Entraîne aussi sur validation et test (modèle de production, plus d'évaluation "
                  "indépendante)");
  train->add_option("--dim", args->params.dim, "Dimension des vecteurs")->capture_default_str();
  train->add_option("--epoch", args->params.epoch, "Époques")->capture_default_str();
  train->add_option("--lr", args->params.lr, "Taux d'apprentissage")->capture_default_str();
  train->add_option("--word-ngrams", args->params.word_ngrams, "N-grammes de mots")
      ->capture_default_str();
  train->add_option("--minn", args->params.minn, "N-grammes de caractères : min")
      ->capture_default_str();
  train->add_option("--maxn", args->params.maxn, "N-grammes de caractères : max")
      ->capture_default_str();
  train->add_option("--seed", args->params.seed, "Graine")->capture_default_str();
  train->add_option("--threshold", args->threshold, "Seuil « À qualifier » (défaut 0,5)");
  train->add_option("--json-out", args->json_out, "Écrit le manifeste JSON ici");
  train->callback([&ctx, args] { ctx.exit_code = RunTrain(ctx, *args); });

  CLI::App* eval =
      intent->add_subcommand("eval", "Évalue fastText et la référence BM25 (même exécution)");
  AddDataOptions(eval, args.get());
  eval->add_option("--split", args->split, "dev ou test")->capture_default_str();
  eval->add_option("--version", args->version, "Version du modèle (défaut : active)");
  eval->add_option("--threshold", args->threshold, "Seuil (défaut : celui du modèle)");
  eval->add_option("--neighbors", args->neighbors, "Fiches votantes de la référence BM25")
      ->capture_default_str();
  eval->add_flag("--no-baseline", args->no_baseline, "Sans la référence BM25");
  eval->add_option("--json-out", args->json_out, "Écrit les résultats JSON ici");
  eval->callback([&ctx, args] { ctx.exit_code = RunEval(ctx, *args); });

  CLI::App* predict = intent->add_subcommand("predict", "Prédit l'intention d'un texte");
  predict->add_option("text", args->text, "Texte, ou - pour l'entrée standard")->required();
  predict->add_option("-k", args->k, "Nombre d'intentions affichées")->capture_default_str();
  predict->add_option("--version", args->version, "Version du modèle (défaut : active)");
  predict->add_option("--threshold", args->threshold, "Seuil (défaut : celui du modèle)");
  predict->callback([&ctx, args] { ctx.exit_code = RunPredict(ctx, *args); });

  CLI::App* models = intent->add_subcommand("models", "Liste les versions du modèle");
  models->callback([&ctx] { ctx.exit_code = RunModels(ctx); });

  auto which = std::make_shared<std::string>();
  CLI::App* use = intent->add_subcommand("use", "Active une version (ou « latest »)");
  use->add_option("version", *which, "Numéro de version ou latest")->required();
  use->callback([&ctx, which] { ctx.exit_code = RunUse(ctx, *which); });

  CLI::App* correct = intent->add_subcommand(
      "correct", "Enregistre la correction d'une intention par un agent (exemple d'entraînement)");
  correct->add_option("text", args->text, "Texte (pseudonymisé), ou -")->required();
  correct->add_option("--label", args->label, "Intention correcte (identifiant)")->required();
  correct->add_option("--predicted", args->predicted, "Intention prédite");
  correct->add_option("--agent", args->agent, "Agent");
  correct->callback([&ctx, args] { ctx.exit_code = RunCorrect(ctx, *args); });

  CLI::App* route = intent->add_subcommand("route", "Applique les règles de routage à un message");
  route->add_option("text", args->text, "Corps du message, ou -")->required();
  route->add_option("--service", args->service, "Service destinataire");
  route->add_option("--subject", args->subject, "Objet du message");
  route->add_option("--routing", args->routing,
                    "Fichier de règles TOML (défaut : celles de la base)");
  route->add_option("--version", args->version, "Version du modèle (défaut : active)");
  route->add_option("--threshold", args->threshold, "Seuil (défaut : celui du modèle)");
  route->callback([&ctx, args] { ctx.exit_code = RunRoute(ctx, *args); });

  CLI::App* check =
      intent->add_subcommand("routing-check", "Valide un fichier de règles de routage");
  check->add_option("file", args->routing, "Fichier (défaut : <data-dir>/routing.toml)");
  check->callback([&ctx, args] { ctx.exit_code = RunRoutingCheck(ctx, *args); });

  CLI::App* import = intent->add_subcommand(
      "routing-import", "Enregistre un fichier de règles TOML dans la base (remplace les règles)");
  import->add_option("file", args->routing, "Fichier (défaut : <data-dir>/routing.toml)");
  import->callback([&ctx, args] { ctx.exit_code = RunRoutingImport(ctx, *args);
});

CLI::App* corrections_import = intent->add_subcommand(
    "corrections-import",
    "Importe dans la base l'ancien fichier corrections.jsonl (une seule fois, puis renommé)");
corrections_import->callback([&ctx] { ctx.exit_code = RunCorrectionsImport(ctx); });
}  // namespace plume::cli

}  // namespace plume::cli
