// `plume serve`: runs the HTTP server on the embedded defaults.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <csignal>

#include "cli/cli.h"
#include "cli/common.h"
#include "http/server.h"
#include "retrieval/bm25_retriever.h"
#include "store/sqlite/sqlite_store.h"

namespace plume::cli {
namespace {

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string web_dir = "web/dist";
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
  auto store = SqliteStore::Open(ctx.DbPath());
  if (!store.ok()) return Fail(store.status());
  auto retriever = OpenRetriever(ctx);
  if (!retriever.ok()) return Fail(retriever.status());
  http::Server server(**store, **retriever, {args.host, args.port, args.web_dir, 1 << 20});
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
  serve->callback([&ctx, args] { ctx.exit_code = RunServe(ctx, *args); });
}

}  // namespace plume::cli
