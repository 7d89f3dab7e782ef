// The `plume` command line: subcommands registered by domain.
//
// Each Register* function adds its subcommands to `app`; a subcommand's callback stores the
// process exit code in ctx.exit_code (0 success, 1 runtime failure, 2 bad input).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace plume::cli {

struct Context {
  std::string data_dir = "var";     // where plume.db and the index live (--data-dir)
  std::string resource_dir;         // stop words, prompts, templates (--resources)
  bool quiet = false;               // no progress bars (--quiet)
  std::string database_url;         // postgresql:// URL or SQLite path; empty: DbPath()
  int exit_code = 0;

  std::string DbPath() const { return data_dir + "/plume.db"; }
  std::string IndexDir() const { return data_dir + "/index"; }
};

void RegisterKbCommands(CLI::App& app, Context& ctx);
void RegisterSearchCommands(CLI::App& app, Context& ctx);
void RegisterEvalCommands(CLI::App& app, CLI::App& eval, Context& ctx);
void RegisterServeCommands(CLI::App& app, Context& ctx);
void RegisterPrivacyCommands(CLI::App& app, CLI::App& eval, Context& ctx);
void RegisterDraftCommands(CLI::App& app, CLI::App& eval, Context& ctx);
void RegisterIntentCommands(CLI::App& app, Context& ctx);
void RegisterMigrateCommands(CLI::App& app, Context& ctx);
void RegisterChannelCommands(CLI::App& app, Context& ctx);
void RegisterAccountCommands(CLI::App& app, Context& ctx);
void RegisterReportCommands(CLI::App& app, Context& ctx);

// Builds the whole command tree and runs it. Returns the process exit code.
int RunCli(int argc, char** argv);

}  // namespace plume::cli
