// `plume migrate ...`: moving an installation's data between database engines.
#include <fmt/core.h>

#include <CLI/CLI.hpp>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/progress_bar.h"
#include "store/factory/store_factory.h"
#include "store/migrate/sqlite_to_postgres.h"

namespace plume::cli {
namespace {

struct SqliteToPostgresArgs {
  std::string from;  // default: ctx.DbPath()
  std::string to;
  bool force = false;
};

int RunSqliteToPostgres(const Context& ctx, const SqliteToPostgresArgs& args) {
  std::string from = args.from.empty() ? ctx.DbPath() : args.from;
  if (!IsPostgresUrl(args.to)) {
    return ReportFailure(InvalidArgument("--to must be a postgresql:// or postgres:// URL"));
  }
  ProgressBar bar(!ctx.quiet);
  auto report = store::CopySqliteToPostgres(from, args.to, {args.force}, bar);
  if (!report.ok()) return ReportFailure(report.status());
  fmt::print("Copie vérifiée de {} vers PostgreSQL (schéma version {}) :\n", from,
             report->schema_version);
  fmt::print("  {:<14}{:>10}  {}\n", "table", "lignes", "somme de contrôle (BLAKE2b)");
  int64_t total = 0;
  for (const auto& t : report->tables) {
    fmt::print("  {:<14}{:>10}  {}\n", t.table, t.rows, t.checksum.substr(0, 16));
    total += t.rows;
  }
  fmt::print(
      "{} lignes copiées ; nombres de lignes et sommes de contrôle identiques des deux "
      "côtés.\n",
      total);
  return 0;
}

}  // namespace

void RegisterMigrateCommands(CLI::App& app, Context& ctx) {
  CLI::App* migrate = app.add_subcommand("migrate", "Migration des données entre moteurs de base");
  migrate->require_subcommand(1);

  auto args = std::make_shared<SqliteToPostgresArgs>();  // shared with the callback (CLI11 API)
  CLI::App* s2p = migrate->add_subcommand(
      "sqlite-to-postgres",
      "Copie toute la base SQLite dans PostgreSQL, puis vérifie nombres de lignes et sommes de "
      "contrôle ; rien n'est écrit si la vérification échoue");
  s2p->add_option("--from", args->from, "Base SQLite source (défaut : <data-dir>/plume.db)");
  s2p->add_option("--to", args->to, "URL PostgreSQL cible (postgresql://utilisateur@hôte/base)")
      ->required();
  s2p->add_flag("--force", args->force,
                "Remplace le contenu d'une base cible non vide (sinon refusée)");
  s2p->callback([&ctx, args] { ctx.exit_code = RunSqliteToPostgres(ctx, *args); });
}

}  // namespace plume::cli
