// `plume pseudonymize` and `plume eval privacy`.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli.h"
#include "privacy/evaluation.h"
#include "privacy/name_model.h"
#include "privacy/pseudonymizer.h"
#include "privacy/synthetic.h"
#include "util/files.h"
#include "util/text.h"

namespace plume::cli {
namespace {

constexpr size_t kMaxInputBytes = 1u << 20;  // 1 MiB

constexpr const char* kDefaultNer = "../shared/data/ner-europeana-fr/enp_FR.bnf.bio";

// Name model options shared by the commands: an explicit file, or the default one in the data
// folder when it exists, or none (rules only).
struct ModelOptions {
  std::string name_model;
  bool rules_only = false;
};

struct PseudonymizeOptions {
  ModelOptions model;
  std::string file;
  std::string sender_name;
  std::string sender_email;
  bool json = false;
};

struct TrainNamesOptions {
  std::string ner = kDefaultNer;
  std::string out;
};

struct EvalPrivacyOptions {
  ModelOptions model;
  std::string ner = kDefaultNer;
  int synthetic_count = 1000;
  uint32_t seed = 20240501;
  std::string json_out;
  bool skip_ner = false;
};

// The model file to use, empty for rules only.
std::filesystem::path NameModelFile(const ModelOptions& opts, const Context& ctx) {
  if (opts.rules_only) return {};
  if (!opts.name_model.empty()) return opts.name_model;
  return privacy::FindNameModel(ctx.data_dir);
}

Result<privacy::Pseudonymizer> MakePseudonymizer(const Context& ctx, const ModelOptions& opts) {
  privacy::PseudonymizerConfig config;
  config.resource_dir = std::filesystem::path(ctx.resource_dir) / "privacy";
  config.name_model_file = NameModelFile(opts, ctx);
  return privacy::Pseudonymizer::Create(config);
}

void AddModelOptions(CLI::App* cmd, ModelOptions* opts) {
  cmd->add_option("--name-model", opts->name_model,
                  "Modèle de noms (défaut : <data-dir>/models/privacy_names.bin s'il existe)");
  cmd->add_flag("--rules-only", opts->rules_only, "Noms par les règles seules, sans modèle");
}

// Reads at most kMaxInputBytes + 1 bytes from stdin.
std::string ReadStdin() {
  std::string data;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    data.append(buf, n);
    if (data.size() > kMaxInputBytes) break;
  }
  return data;
}

nlohmann::json ScoresJson(const privacy::TypeScores& s) {
  return {{"gold", s.gold},       {"found", s.found},           {"predicted", s.predicted},
          {"correct", s.correct}, {"precision", s.Precision()}, {"recall", s.Recall()},
          {"f1", s.F1()}};
}

nlohmann::json ReportJson(const privacy::EvalReport& r) {
  nlohmann::json types = nlohmann::json::object();
  for (privacy::PiiType t : privacy::AllPiiTypes()) {
    const privacy::TypeScores& s = r.by_type[static_cast<int>(t)];
    if (s.gold == 0 && s.predicted == 0) continue;
    types[std::string(privacy::PiiTypeName(t))] = ScoresJson(s);
  }
  nlohmann::json j = {{"dataset", r.dataset}, {"unit", r.unit}, {"documents", r.documents},
                      {"bytes", r.bytes},     {"types", types}, {"seconds", r.seconds}};
  if (r.unit == "entity") {
    j["structured"] = ScoresJson(r.Structured());
    j["leaked"] = r.leaked;
    j["gold_spans"] = r.gold_spans;
  } else {
    j["per_entities"] = r.ner_entities;
    j["per_entities_fully_covered"] = r.ner_entities_covered;
  }
  return j;
}

void RunPseudonymize(const PseudonymizeOptions& opts, Context& ctx) {
  std::string input;
  if (!opts.file.empty()) {
    auto content = util::ReadFile(opts.file, kMaxInputBytes);
    if (!content.ok()) {
      bool too_big = content.status().code() == StatusCode::kResourceExhausted;
      std::fprintf(stderr, "Erreur / error: %s\n",
                   too_big ? "texte trop long (max 1 Mo) / input larger than 1 MB"
                           : content.status().ToString().c_str());
      ctx.exit_code = 2;
      return;
    }
    input = std::move(content).value();
  } else {
    input = ReadStdin();
  }
  if (input.size() > kMaxInputBytes) {
    std::fprintf(stderr, "Erreur : texte trop long (max 1 Mo) / error: input larger than 1 MB\n");
    ctx.exit_code = 2;
    return;
  }
  if (!util::IsValidUtf8(input)) {
    std::fprintf(stderr,
                 "Erreur : le texte n'est pas en UTF-8 valide / error: input is not valid "
                 "UTF-8\n");
    ctx.exit_code = 2;
    return;
  }
  auto p = MakePseudonymizer(ctx, opts.model);
  if (!p.ok()) {
    std::fprintf(stderr, "Erreur / error: %s\n", p.status().ToString().c_str());
    ctx.exit_code = 1;
    return;
  }
  privacy::PseudonymizeHints hints{opts.sender_name, opts.sender_email};
  auto result = p->Pseudonymize(input, hints);
  if (!result.ok()) {
    std::fprintf(stderr, "Erreur / error: %s\n", result.status().ToString().c_str());
    ctx.exit_code = result.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
    return;
  }
  if (!opts.json) {
    std::fwrite(result->text.data(), 1, result->text.size(), stdout);
    if (!result->text.empty() && result->text.back() != '\n') std::fputc('\n', stdout);
    ctx.exit_code = 0;
    return;
  }
  try {
    nlohmann::json mapping = nlohmann::json::array();
    for (const privacy::MappingEntry& e : result->mapping.entries) {
      mapping.push_back({{"placeholder", e.placeholder},
                         {"type", std::string(privacy::PiiTypeName(e.type))},
                         {"original", e.original}});
    }
    nlohmann::json spans = nlohmann::json::array();
    for (const privacy::Replacement& r : result->replacements) {
      spans.push_back({{"placeholder", r.placeholder}, {"begin", r.begin}, {"end", r.end}});
    }
    nlohmann::json out = {{"text", result->text}, {"mapping", mapping}, {"spans", spans}};
    std::cout << out.dump(2) << "\n";
    ctx.exit_code = 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Erreur / error: JSON: %s\n", e.what());
    ctx.exit_code = 1;
  }
}

void RunTrainNames(const TrainNamesOptions& opts, Context& ctx) {
  auto tokens = privacy::ReadNerFile(opts.ner);
  if (!tokens.ok()) {
    std::fprintf(stderr, "Erreur : fichier NER illisible %s : %s\n", opts.ner.c_str(),
                 tokens.status().ToString().c_str());
    ctx.exit_code = tokens.status().code() == StatusCode::kNotFound ? 2 : 1;
    return;
  }
  std::filesystem::path out = opts.out.empty() ? privacy::DefaultNameModelFile(ctx.data_dir)
                                               : std::filesystem::path(opts.out);
  // The development half only: the held-out half stays for `plume eval privacy`.
  size_t split = privacy::NerSplitPoint(*tokens);
  Status st = privacy::TrainNameModel(std::filesystem::path(ctx.resource_dir) / "privacy", *tokens,
                                      0, split, privacy::NameModelParams{}, out);
  if (!st.ok()) {
    std::fprintf(stderr, "Erreur : entraînement du modèle de noms : %s\n", st.ToString().c_str());
    ctx.exit_code = 1;
    return;
  }
  std::printf("Modèle de noms écrit : %s (entraîné sur les jetons 0 à %zu sur %zu)\n",
              out.string().c_str(), split, tokens->size());
  ctx.exit_code = 0;
}

nlohmann::json HalfJson(const privacy::EvalReport& r) {
  return ScoresJson(r.by_type[static_cast<int>(privacy::PiiType::kName)]);
}

void RunEvalPrivacy(const EvalPrivacyOptions& opts, Context& ctx) {
  std::filesystem::path model_file = NameModelFile(opts.model, ctx);
  std::printf("Noms : %s\n", model_file.empty()
                                 ? "règles seules"
                                 : ("règles + modèle " + model_file.string()).c_str());
  auto p = MakePseudonymizer(ctx, opts.model);
  if (!p.ok()) {
    std::fprintf(stderr, "Erreur / error: %s\n", p.status().ToString().c_str());
    ctx.exit_code = 1;
    return;
  }
  if (opts.synthetic_count <= 0) {
    std::fprintf(stderr, "Erreur : --synthetic-count doit être > 0 / must be > 0\n");
    ctx.exit_code = 2;
    return;
  }
  nlohmann::json all = nlohmann::json::object();
  auto synthetic = privacy::EvaluateSynthetic(
      *p, privacy::GenerateSyntheticSet(opts.seed, opts.synthetic_count));
  if (!synthetic.ok()) {
    std::fprintf(stderr, "Erreur / error: %s\n", synthetic.status().ToString().c_str());
    ctx.exit_code = 1;
    return;
  }
  std::printf("%s\n", synthetic->FormatTable().c_str());
  all["synthetic"] = ReportJson(*synthetic);
  all["synthetic"]["seed"] = opts.seed;
  if (!opts.skip_ner) {
    auto tokens = privacy::ReadNerFile(opts.ner);
    if (!tokens.ok()) {
      std::fprintf(stderr, "Erreur / error: NER set %s: %s\n", opts.ner.c_str(),
                   tokens.status().ToString().c_str());
      ctx.exit_code = tokens.status().code() == StatusCode::kNotFound ? 2 : 1;
      return;
    }
    const size_t split = privacy::NerSplitPoint(*tokens);
    auto ner = privacy::EvaluateNerTokens(*p, *tokens, 0, tokens->size());
    auto dev = privacy::EvaluateNerTokens(*p, *tokens, 0, split);
    auto test = privacy::EvaluateNerTokens(*p, *tokens, split, tokens->size());
    if (!ner.ok() || !dev.ok() || !test.ok()) {
      std::fprintf(stderr, "Erreur / error: NER set %s: %s\n", opts.ner.c_str(),
                   (!ner.ok()   ? ner.status()
                    : !dev.ok() ? dev.status()
                                : test.status())
                       .ToString()
                       .c_str());
      ctx.exit_code = 1;
      return;
    }
    std::printf("%s\n", ner->FormatTable().c_str());
    for (const auto& [label, r] : {std::pair<const char*, const privacy::EvalReport*>{
                                       "développement (entraînement / réglage)", &*dev},
                                   {"test (jamais vue au réglage)", &*test}}) {
      const privacy::TypeScores& s = r->by_type[static_cast<int>(privacy::PiiType::kName)];
      std::printf("Noms, moitié %s : P %.4f R %.4f F1 %.4f\n", label, s.Precision(), s.Recall(),
                  s.F1());
    }
    all["ner"] = ReportJson(*ner);
    all["ner"]["file"] = opts.ner;
    all["ner"]["name_model"] = model_file.string();
    all["ner"]["split_token"] = split;
    all["ner"]["dev_half_names"] = HalfJson(*dev);
    all["ner"]["test_half_names"] = HalfJson(*test);
  }
  if (!opts.json_out.empty()) {
    Status st = util::WriteFileAtomic(opts.json_out, all.dump(2) + "\n");
    if (!st.ok()) {
      std::fprintf(stderr, "Erreur / error: %s\n", st.ToString().c_str());
      ctx.exit_code = 1;
      return;
    }
  }
  ctx.exit_code = 0;
}

}  // namespace

void RegisterPrivacyCommands(CLI::App& app, CLI::App& eval, Context& ctx) {
  auto popts = std::make_shared<PseudonymizeOptions>();
  CLI::App* pseudo = app.add_subcommand(
      "pseudonymize", "Pseudonymise un message (stdin ou --file) / pseudonymise a message");
  pseudo->add_option("--file", popts->file, "Fichier à lire au lieu de stdin");
  pseudo->add_option("--sender-name", popts->sender_name, "Nom de l'expéditeur (masqué partout)");
  pseudo->add_option("--sender-email", popts->sender_email, "Courriel de l'expéditeur");
  pseudo->add_flag("--json", popts->json, "Sortie JSON avec la table de correspondance");
  AddModelOptions(pseudo, &popts->model);
  pseudo->callback([popts, &ctx] { RunPseudonymize(*popts, ctx); });

  auto eopts = std::make_shared<EvalPrivacyOptions>();
  CLI::App* ev = eval.add_subcommand(
      "privacy", "Précision / rappel de la pseudonymisation (synthétique + NER Europeana)");
  ev->add_option("--ner", eopts->ner, "Fichier NER (token TAG par ligne)")->capture_default_str();
  ev->add_option("--synthetic-count", eopts->synthetic_count, "Nombre de messages synthétiques")
      ->capture_default_str();
  ev->add_option("--seed", eopts->seed, "Graine du générateur synthétique")->capture_default_str();
  ev->add_option("--json-out", eopts->json_out, "Écrit le rapport JSON dans ce fichier");
  ev->add_flag("--skip-ner", eopts->skip_ner, "N'évalue que le jeu synthétique");
  AddModelOptions(ev, &eopts->model);

  auto topts = std::make_shared<TrainNamesOptions>();
  CLI::App* privacy_cmd =
      app.add_subcommand("privacy", "Pseudonymisation : modèle statistique des noms de personnes");
  privacy_cmd->require_subcommand(1);
  CLI::App* train = privacy_cmd->add_subcommand(
      "train-names",
      "Entraîne le modèle de noms (fastText) sur la moitié de développement du corpus NER");
  train->add_option("--ner", topts->ner, "Fichier NER (token TAG par ligne)")
      ->capture_default_str();
  train->add_option("--out", topts->out,
                    "Fichier du modèle (défaut : <data-dir>/models/privacy_names.bin)");
  train->callback([topts, &ctx] { RunTrainNames(*topts, ctx); });
  ev->callback([eopts, &ctx] { RunEvalPrivacy(*eopts, ctx); });
}

}  // namespace plume::cli
