#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

namespace plume::cli {

int RunCli(int argc, char** argv) {
  CLI::App app{"Plume : brouillons de réponses aux messages des usagers, validés par un agent.",
               "plume"};
  app.require_subcommand(1);
  Context ctx;
  if (const char* env = std::getenv("PLUME_RESOURCES")) ctx.resource_dir = env;
#ifdef PLUME_DEFAULT_RESOURCE_DIR
  if (ctx.resource_dir.empty()) ctx.resource_dir = PLUME_DEFAULT_RESOURCE_DIR;
#endif
  app.add_option("--data-dir", ctx.data_dir, "Dossier des données (base SQLite, index)")
      ->capture_default_str();
  app.add_option("--resources", ctx.resource_dir, "Dossier des ressources (mots vides, gabarits)")
      ->capture_default_str();
  app.add_flag("-q,--quiet", ctx.quiet, "Pas de barre de progression");
  app.add_option("--database-url", ctx.database_url,
                 "Base : URL postgresql:// ou chemin SQLite (défaut : <data-dir>/plume.db)")
      ->envname("PLUME_DATABASE_URL");

  CLI::App* eval = app.add_subcommand("eval", "Évaluations (recherche, pseudonymisation)");
  eval->require_subcommand(1);
  RegisterKbCommands(app, ctx);
  RegisterSearchCommands(app, ctx);
  RegisterEvalCommands(app, *eval, ctx);
  RegisterServeCommands(app, ctx);
  RegisterPrivacyCommands(app, *eval, ctx);
  RegisterDraftCommands(app, *eval, ctx);
  RegisterIntentCommands(app, ctx);
  RegisterMigrateCommands(app, ctx);
  RegisterChannelCommands(app, ctx);
  RegisterAccountCommands(app, ctx);
  RegisterReportCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}

}  // namespace plume::cli
