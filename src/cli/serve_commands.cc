// `plume serve`: runs the HTTP server on the embedded defaults.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <csignal>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/draft_setup.h"
#include "http/server.h"
#include "intent/fasttext_classifier.h"
#include "intent/model_registry.h"
#include "plume/clock.h"
#include "retrieval/bm25_retriever.h"

namespace plume::cli {
namespace {

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_dir = "web/dist";
  bool secure_cookies = false;
  DraftArgs draft;
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

int RunServe(const Context& ctx, const ServeArgs& args) {
  auto stack = OpenDraftingStack(ctx, args.draft);
  if (!stack.ok()) return Fail(stack.status());
  DraftingStack& d = **stack;
  std::unique_ptr<intent::FastTextClassifier> classifier;
  intent::ModelRegistry models(std::filesystem::path(ctx.data_dir) / "intent");
  if (auto active = models.Active(); active.ok()) {
    auto loaded = models.Load(*active, -1);
    if (!loaded.ok()) return Fail(loaded.status());
    classifier = std::move(loaded).value();
  } else {
    fmt::print(
        "Aucun modèle d'intention ({}) : les messages ne seront pas classés "
        "(plume intent train).\n",
        active.status().message());
  }
  http::ServerOptions options;
  options.host = args.host;
  options.port = args.port;
  options.web_dir = args.web_dir;
  options.secure_cookies = args.secure_cookies;
  options.intent_classifier = classifier.get();
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
  AddDraftOptions(*serve, args->draft);
  serve->callback([&ctx, args] { ctx.exit_code = RunServe(ctx, *args); });
}

}  // namespace plume::cli
