// `plume draft`: a draft for a message typed or piped in; `plume eval drafts`: draft quality
// against the official answers of the Ministry of Labour FAQ.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/draft_setup.h"
#include "eval/draft_eval.h"
#include "util/files.h"
#include "util/text.h"

namespace plume::cli {
namespace {

using json = nlohmann::json;

struct DraftCmdArgs {
  DraftArgs draft;
  std::string text;  // "-" reads standard input
  std::string subject;
  std::string sender;
  std::string engine;
  bool as_json = false;
};

struct EvalDraftArgs {
  DraftArgs draft;
  std::string faq = "../shared/data/faq-code-du-travail/faq.json";
  std::vector<std::string> engines = {"embedded"};
  std::string json_out;
  int limit = 0;
};

json DraftJson(const Draft& d) {
  json sources = json::array();
  for (const auto& s : d.sources) {
    sources.push_back({{"document_id", s.document_id},
                       {"title", s.title},
                       {"url", s.url},
                       {"date", s.source_date}});
  }
  return {{"engine", d.engine},
          {"engine_version", d.engine_version},
          {"prompt_version", d.prompt_version},
          {"text", d.text},
          {"sources", sources},
          {"warnings", d.warnings},
          {"latency_ms", d.latency_ms}};
}

int RunDraft(const Context& ctx, DraftCmdArgs args) {
  if (args.text == "-") {
    args.text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  auto stack = OpenDraftingStack(ctx, args.draft);
  if (!stack.ok()) return ReportFailure(stack.status());
  DraftRequest req;
  req.message.service = "cli";
  req.message.body = args.text;
  req.message.subject = args.subject;
  req.message.sender_name = args.sender;
  req.engine = args.engine;
  auto d = (*stack)->drafter->Generate(req);
  if (!d.ok()) return ReportFailure(d.status());
  if (args.as_json) {
    fmt::print("{}\n", DraftJson(*d).dump(2));
    return 0;
  }
  fmt::print("{}\n\n", d->text);
  fmt::print("— moteur : {} ({}{}{}), {} ms\n", d->engine, d->engine_version,
             d->prompt_version.empty() ? "" : ", invite ", d->prompt_version, d->latency_ms);
  for (const auto& s : d->sources) {
    fmt::print("— source : {} — {} ({}, mise à jour le {})\n", s.document_id, s.title, s.url,
               s.source_date);
  }
  for (const auto& w : d->warnings) fmt::print("— attention : {}\n", w);
  return 0;
}

json ReportJson(const eval::DraftEvalReport& r) {
  return {{"engine", r.engine},
          {"questions", r.questions},
          {"drafted", r.drafted},
          {"fallbacks", r.fallbacks},
          {"rouge_l", r.rouge_l},
          {"chrf", r.chrf},
          {"with_sources", r.with_sources},
          {"answers_citing_articles", r.with_known_articles},
          {"drafts_citing_an_article_source", r.citing_an_article_source},
          {"urls", r.urls},
          {"phones", r.phones},
          {"emails", r.emails},
          {"invented_urls", r.invented_urls},
          {"invented_phones", r.invented_phones},
          {"invented_emails", r.invented_emails},
          {"masked_by_guard", r.masked_by_guard},
          {"latency_p50_ms", r.p50_ms},
          {"latency_p99_ms", r.p99_ms},
          {"latency_max_ms", r.max_ms},
          {"failures", r.failures}};
}

int RunEvalDrafts(const Context& ctx, const EvalDraftArgs& args) {
  auto items = eval::LoadFaq(args.faq);
  if (!items.ok()) return ReportFailure(items.status());
  if (args.limit > 0 && static_cast<size_t>(args.limit) < items->size()) {
    items->resize(args.limit);
  }
  auto stack = OpenDraftingStack(ctx, args.draft);
  if (!stack.ok()) return ReportFailure(stack.status());
  json out = json::array();
  fmt::print("{:<12}{:>6}{:>9}{:>8}{:>8}{:>12}{:>11}{:>9}{:>9}{:>9}\n", "moteur", "n", "ROUGE-L",
             "chrF", "sources", "articles", "inventés", "masqués", "p50 ms", "p99 ms");
  for (const auto& engine : args.engines) {
    eval::DraftEvalReport r =
        eval::EvaluateDrafts(*(*stack)->drafter, *(*stack)->store, *items, engine);
    fmt::print("{:<12}{:>6}{:>9.3f}{:>8.3f}{:>8}{:>12}{:>11}{:>9}{:>9.1f}{:>9.1f}\n", engine,
               r.drafted, r.rouge_l, r.chrf, r.with_sources,
               fmt::format("{}/{}", r.citing_an_article_source, r.with_known_articles),
               r.invented_urls + r.invented_phones + r.invented_emails, r.masked_by_guard, r.p50_ms,
               r.p99_ms);
    if (r.fallbacks > 0)
      fmt::print("  {} brouillon(s) du moteur intégré en secours\n", r.fallbacks);
    for (const auto& f : r.failures) fmt::print("  échec : {}\n", f);
    out.push_back(ReportJson(r));
  }
  if (!args.json_out.empty()) {
    Status s = util::WriteFileAtomic(args.json_out, out.dump(2) + "\n");
    if (!s.ok()) return ReportFailure(s);
  }
  return 0;
}

}  // namespace

void RegisterDraftCommands(CLI::App& app, CLI::App& eval, Context& ctx) {
  auto args = std::make_shared<DraftCmdArgs>();
  CLI::App* cmd = app.add_subcommand(
      "draft", "Propose un brouillon de réponse à un message (« - » : lu sur l'entrée standard)");
  cmd->add_option("text", args->text, "Texte du message de l'usager")->required();
  cmd->add_option("--subject", args->subject, "Objet du message");
  cmd->add_option("--sender", args->sender, "Nom de l'usager (ex. « Mme Claire Martin »)");
  cmd->add_option("--engine", args->engine, "embedded (défaut) ou generative")
      ->check(CLI::IsMember({"embedded", "generative"}));
  cmd->add_flag("--json", args->as_json, "Sortie JSON");
  AddDraftOptions(*cmd, args->draft);
  cmd->callback([&ctx, args] { ctx.exit_code = RunDraft(ctx, *args); });

  auto eargs = std::make_shared<EvalDraftArgs>();
  CLI::App* ev = eval.add_subcommand(
      "drafts",
      "Qualité des brouillons face aux réponses officielles (FAQ du ministère du Travail)");
  ev->add_option("--faq", eargs->faq, "Fichier faq.json")->capture_default_str();
  ev->add_option("--engine", eargs->engines, "Moteur(s) à évaluer")
      ->check(CLI::IsMember({"embedded", "generative"}))
      ->capture_default_str();
  ev->add_option("--json-out", eargs->json_out, "Écrit les résultats en JSON");
  ev->add_option("--limit", eargs->limit, "N'évalue que les N premières questions");
  AddDraftOptions(*ev, eargs->draft);
  ev->callback([&ctx, eargs] { ctx.exit_code = RunEvalDrafts(ctx, *eargs); });
}

}  // namespace plume::cli
