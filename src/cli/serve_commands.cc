// `plume serve`: runs the HTTP server on the embedded defaults.
//
// Several nodes (issue #8): any number of `plume serve` processes, each with its own --data-dir,
// may share one PostgreSQL database behind a load balancer (tests/multinode, bench/multinode).
// What lives where:
//   - in the store (every node sees it at once): messages, drafts, decisions, audit, accounts,
//     sessions and CSRF (derived from the session), API tokens, satisfaction links, templates;
//   - per node, kept in step: the Xapian index in <data-dir>/index, updated by the
//     IndexSynchronizer on PostgreSQL NOTIFY plume_kb (or within --index-poll-ms) and reported by
//     GET /api/health as index_version;
//   - per node, by choice: the login throttle (auth::LoginRateLimiter), the satisfaction and
//     feedback-widget rate limits, and the Prometheus counters of GET /metrics. A limit then
//     holds per node, so N nodes allow up to N times the configured attempts; acceptable because
//     argon2id bounds password guessing anyway and these limits only curb abuse (scrape every
//     node for /metrics). With --behind-proxy the per-address limits key on the address nginx
//     appends to X-Forwarded-For instead of the proxy's own;
//   - in the store too: the active intent model (published by `plume intent train`; each node
//     checks the active version every --intent-check-s and swaps the new model in without
//     restart) and the routing rules (cached per node, read again when the store's routing
//     version moves: an edit on one node applies to the next message on every node);
//   - per connection: a streamed draft (SSE) runs on the node that received the request and is
//     stored when done; a client that loses the stream asks again, on any node (nginx needs
//     proxy_buffering off for the stream to flow).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <csignal>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/draft_setup.h"
#include "cli/mail_setup.h"
#include "draft/template_candidates.h"
#include "http/server.h"
#include "intent/corrections.h"
#include "intent/fasttext_classifier.h"
#include "intent/model_registry.h"
#include "intent/model_store.h"
#include "intent/routing_service.h"
#include "intent/swappable_classifier.h"
#include "intent/taxonomy.h"
#include "plume/clock.h"
#include "privacy/pseudonymizer.h"
#include "retrieval/bm25_retriever.h"
#include "retrieval/index_sync.h"
#include "retrieval/swappable_retriever.h"

namespace plume::cli {
namespace {

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_dir = "web/dist";
  bool secure_cookies = false;
  std::vector<std::string> feedback_services;  // issue #7: services accepting the widget
  std::vector<std::string> feedback_origins;   // sites allowed to embed it (CORS)
  std::string feedback_config;                 // TOML file adding to both lists
  DraftArgs draft;
  MailArgs mail;                 // issue #7: reply e-mails
  int64_t index_poll_ms = 1000;  // longest wait between two reads of the knowledge version
  bool behind_proxy = false;     // trust the last X-Forwarded-For entry (rate limits)
  int64_t intent_check_s = 30;   // issue #6: interval between two checks of the active model
};

http::Server* g_server = nullptr;  // for the signal handler only

void OnSignal(int) {
  if (g_server) g_server->Stop();
}

// A server that cannot start is a runtime failure (exit 1), whatever the cause.
int Fail(const Status& s) {
  PrintError(s);
  return 1;
}

// What `plume serve` runs on: like DraftingStack, but the drafter and the HTTP server search
// through a SwappableRetriever that the index synchroniser refreshes after every knowledge change,
// so several nodes sharing one database each keep their local index current (issue #8). Members
// in dependency order (destroyed in reverse: the synchroniser stops before what it borrows goes).
struct ServeStack {
  std::unique_ptr<Store> store;
  std::unique_ptr<retrieval::StopWords> stop_words;
  SystemClock clock;
  std::unique_ptr<retrieval::SwappableRetriever> retriever;
  std::unique_ptr<retrieval::IndexSynchronizer> sync;
  metrics::Registry registry;  // LLM metrics; exposed on GET /metrics
  // Issue #6: the intent model (replaced when a newer one is published) and its refresher.
  intent::SwappableClassifier classifier;
  std::unique_ptr<intent::ModelRefresher> model_refresher;
  std::unique_ptr<draft::DraftService> drafter;
};

// Opens the store, brings the local index up to date (building it when absent) and starts the
// synchroniser. Errors: those of OpenConfiguredStore, LoadStopWords, the first
// IndexSynchronizer::SyncOnce and OpenDraftService.
Result<std::unique_ptr<ServeStack>> OpenServeStack(const Context& ctx, const ServeArgs& args) {
  auto stack = std::make_unique<ServeStack>();
  PLUME_ASSIGN_OR_RETURN(stack->store, OpenConfiguredStore(ctx));
  PLUME_ASSIGN_OR_RETURN(retrieval::StopWords stop_words, LoadStopWords(ctx));
  stack->stop_words = std::make_unique<retrieval::StopWords>(std::move(stop_words));
  stack->retriever = std::make_unique<retrieval::SwappableRetriever>();
  retrieval::IndexSyncOptions sync_options;
  sync_options.wait_slice_ms = args.index_poll_ms;
  stack->sync = std::make_unique<retrieval::IndexSynchronizer>(*stack->store, ctx.IndexDir(),
                                                               *stack->stop_words, stack->clock,
                                                               *stack->retriever, sync_options);
  PLUME_ASSIGN_OR_RETURN(retrieval::IndexSyncStatus first, stack->sync->SyncOnce());
  if (first.last.rebuilt || first.last.added + first.last.replaced + first.last.removed > 0) {
    fmt::print("Index local mis à jour (version {}) : {} ajoutés, {} remplacés, {} retirés.\n",
               first.index_version, first.last.added, first.last.replaced, first.last.removed);
  }
  stack->sync->Start();
  // Intent model (issue #6): the store's active model (same on every node), else the local
  // registry's; newer models published in the store are swapped in by the refresher.
  const std::filesystem::path intent_root = std::filesystem::path(ctx.data_dir) / "intent";
  std::string model_source;
  if (auto loaded = intent::LoadServingModel(*stack->store, intent_root, &model_source);
      loaded.ok()) {
    fmt::print("Modèle d'intention version {} ({}).\n", loaded->manifest.version, model_source);
    PLUME_ASSIGN_OR_RETURN(int64_t active, stack->store->ActiveIntentModelVersion());
    const int64_t version = active == loaded->manifest.version ? active : 0;
    stack->classifier.Set(std::shared_ptr<const IntentClassifier>(std::move(loaded->classifier)),
                          version);
  } else if (loaded.status().code() == StatusCode::kFailedPrecondition) {
    fmt::print(
        "Aucun modèle d'intention ({}) : les messages iront dans la file « À qualifier » "
        "(plume intent train).\n",
        loaded.status().message());
  } else {
    return loaded.status();
  }
  intent::ModelRefreshOptions refresh;
  refresh.check_every_ms = args.intent_check_s * 1000;
  stack->model_refresher = std::make_unique<intent::ModelRefresher>(
      *stack->store, intent_root / "cache", stack->classifier, refresh);
  stack->model_refresher->Start();
  PLUME_ASSIGN_OR_RETURN(
      stack->drafter,
      OpenDraftService(ctx, args.draft, *stack->store, *stack->retriever, *stack->stop_words,
                       stack->clock, &stack->registry, &stack->classifier));
  return stack;
}

int RunServe(const Context& ctx, const ServeArgs& args) {
  auto stack = OpenServeStack(ctx, args);
  if (!stack.ok()) return Fail(stack.status());
  ServeStack& d = **stack;
  auto taxonomy = intent::Taxonomy::Load(intent::TaxonomyPath(ctx.resource_dir));
  if (!taxonomy.ok()) return Fail(taxonomy.status());
  // An old corrections.jsonl moves into the store once (issue #6), then is renamed.
  auto imported = intent::ImportCorrectionsFile(
      *d.store, *taxonomy,
      intent::ModelRegistry(std::filesystem::path(ctx.data_dir) / "intent").CorrectionsPath());
  if (!imported.ok()) return Fail(imported.status());
  if (!imported->renamed_to.empty()) {
    fmt::print("{} correction(s) d'intention importée(s) dans la base ; fichier renommé en {}.\n",
               imported->added, imported->renamed_to.string());
  }
  privacy::PseudonymizerConfig pseudonymizer_config;
  pseudonymizer_config.resource_dir = std::filesystem::path(ctx.resource_dir) / "privacy";
  pseudonymizer_config.name_model_file = privacy::FindNameModel(ctx.data_dir);
  auto pseudonymizer = privacy::Pseudonymizer::Create(pseudonymizer_config);
  if (!pseudonymizer.ok()) return Fail(pseudonymizer.status());
  // Routing (issue #6): rules cached per node by the store's routing version.
  intent::StoreRouter router(*d.store, d.classifier);
  http::ServerOptions options;
  options.host = args.host;
  options.port = args.port;
  options.web_dir = args.web_dir;
  options.secure_cookies = args.secure_cookies;
  options.intent_classifier = &d.classifier;
  options.router = &router;
  options.taxonomy = &*taxonomy;
  options.pseudonymizer = &*pseudonymizer;
  auto template_candidates = draft::TemplateCandidateMaker::Create(
      std::filesystem::path(ctx.resource_dir) / "privacy");  // réponses types (issue #3)
  if (!template_candidates.ok()) return Fail(template_candidates.status());
  options.template_candidates = template_candidates->get();
  options.registry = &d.registry;
  options.index_version = [&d] { return d.sync->index_version(); };
  options.trust_forwarded_for = args.behind_proxy;
  options.feedback.services = args.feedback_services;
  options.feedback.origins = args.feedback_origins;
  if (!args.feedback_config.empty()) {
    Status s = http::LoadFeedbackConfig(args.feedback_config, &options.feedback);
    if (!s.ok()) return Fail(s);
  }
  // Declared before the server: the sender thread stops after the server (issue #7).
  auto mail = StartMailRuntime(args.mail, *d.store, d.clock, &options);
  if (!mail.ok()) return Fail(mail.status());
  http::Server server(*d.store, *d.retriever, d.drafter.get(), d.clock, options);
  if (Status s = server.Bind(); !s.ok()) return Fail(s);
  g_server = &server;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  fmt::print("Plume écoute sur http://{}:{}/\n", args.host, server.port());
  std::fflush(stdout);
  Status s = server.Listen();
  g_server = nullptr;
  return s.ok() ? 0 : Fail(s);
}

}  // namespace

void RegisterServeCommands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* serve = app.add_subcommand("serve", "Lance le serveur web et l'API");
  serve->add_option("--host", args->host, "Adresse d'écoute")->capture_default_str();
  serve->add_option("--port", args->port, "Port (0 = libre)")->capture_default_str();
  serve->add_option("--web", args->web_dir, "Dossier de l'interface construite")
      ->capture_default_str();
  serve->add_flag("--secure-cookies", args->secure_cookies,
                  "Cookie de session « Secure » (derrière un proxy TLS)");
  serve->add_option("--feedback-service", args->feedback_services,
                    "Service recevant les avis du formulaire /widget/avis.js (répétable)");
  serve
      ->add_option("--feedback-origin", args->feedback_origins,
                   "Site autorisé à intégrer ce formulaire, ex. https://www.mairie-x.fr "
                   "(répétable)")
      ->check([](const std::string& o) -> std::string {
        if (http::IsWebOrigin(o.ends_with('/') ? o.substr(0, o.size() - 1) : o)) return "";
        return "origine attendue sous la forme https://hote[:port], sans chemin : " + o;
      });
  serve->add_option("--feedback-config", args->feedback_config,
                    "Fichier TOML des avis : services, origins, [rate_limit]");
  serve->add_flag("--behind-proxy", args->behind_proxy,
                  "Derrière un proxy (nginx) qui ajoute l'adresse du client à X-Forwarded-For : "
                  "les limites par adresse utilisent cette adresse");
  serve
      ->add_option("--index-poll-ms", args->index_poll_ms,
                   "Attente maximale (ms) entre deux lectures de la version de la base de "
                   "connaissances ; avec PostgreSQL, un NOTIFY réveille le nœud aussitôt")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{50}, int64_t{600'000}));
  serve
      ->add_option("--intent-check-s", args->intent_check_s,
                   "Intervalle (s) entre deux vérifications du modèle d'intention actif de la "
                   "base : un nouveau modèle est chargé sans redémarrer")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{86'400}));
  AddDraftOptions(*serve, args->draft);
  AddMailServeOptions(*serve, args->mail);
  serve->callback([&ctx, args] { ctx.exit_code = RunServe(ctx, *args); });
}

}  // namespace plume::cli
