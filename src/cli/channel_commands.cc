// `plume import` (past messages with their replies) and `plume mail poll` (one IMAP pass).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "channels/importer.h"
#include "channels/mail_poller.h"
#include "channels/mail_transport.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/progress_bar.h"
#include "plume/clock.h"
#include "store/factory/store_factory.h"
#include "util/files.h"

namespace plume::cli {
namespace {

constexpr size_t kMaxImportBytes = 1ull << 30;  // 1 GiB, read whole

struct ImportOptions {
  std::string format;
  std::string service;
  std::string file;
};

struct PollOptions {
  std::string service;
  std::string url;
  std::string username;
  std::string password_env = "PLUME_IMAP_PASSWORD";
  bool insecure_loopback = false;
};

void RunImport(const ImportOptions& opts, Context& ctx) {
  channels::ImportFormat format;
  if (!channels::ParseImportFormat(opts.format, &format)) {
    std::fprintf(stderr, "erreur : format inconnu « %s » (csv, jsonl ou mbox)\n",
                 opts.format.c_str());
    ctx.exit_code = 2;
    return;
  }
  auto data = util::ReadFile(opts.file, kMaxImportBytes);
  if (!data.ok()) {
    ctx.exit_code = ReportFailure(data.status());
    return;
  }
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) {
    ctx.exit_code = ReportFailure(store.status());
    return;
  }
  SystemClock clock;
  ProgressBar bar(!ctx.quiet);
  channels::Importer importer(store->get(), &clock);
  auto report = importer.Import(format, *data, opts.service, &bar);
  if (!report.ok()) {
    ctx.exit_code = ReportFailure(report.status());
    return;
  }
  for (const channels::RowError& e : report->errors) {
    std::fprintf(stderr, "%s:%lld: %s\n", opts.file.c_str(), static_cast<long long>(e.line),
                 e.reason.c_str());
  }
  if (report->rejected > static_cast<int64_t>(report->errors.size())) {
    std::fprintf(
        stderr, "… et %lld autres lignes refusées\n",
        static_cast<long long>(report->rejected - static_cast<int64_t>(report->errors.size())));
  }
  std::printf("%lld messages importés (dont %lld avec leur réponse), %lld lignes refusées\n",
              static_cast<long long>(report->imported), static_cast<long long>(report->with_reply),
              static_cast<long long>(report->rejected));
  ctx.exit_code = report->rejected == 0 ? 0 : 1;
}

void RunPoll(const PollOptions& opts, Context& ctx) {
  channels::MailServerConfig config;
  config.url = opts.url;
  config.username = opts.username;
  if (const char* pw = std::getenv(opts.password_env.c_str())) config.password = pw;
  config.tls = opts.insecure_loopback ? channels::TlsMode::kNone : channels::TlsMode::kRequired;
  if (config.url.empty() || config.username.empty()) {
    std::fprintf(stderr,
                 "erreur : --imap-url et --imap-user (ou PLUME_IMAP_URL / PLUME_IMAP_USER) "
                 "sont requis\n");
    ctx.exit_code = 2;
    return;
  }
  auto mailbox = channels::CurlImapMailbox::Create(config);
  if (!mailbox.ok()) {
    ctx.exit_code = ReportFailure(mailbox.status());
    return;
  }
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) {
    ctx.exit_code = ReportFailure(store.status());
    return;
  }
  SystemClock clock;
  // No MailRepository in the store yet: no duplicate detection nor threading (see mail_poller.h).
  channels::MailPoller poller(mailbox->get(), store->get(), nullptr, &clock, opts.service);
  auto report = poller.PollOnce();
  if (!report.ok()) {
    ctx.exit_code = ReportFailure(report.status());
    return;
  }
  for (const auto& r : report->rejected) {
    std::fprintf(stderr, "courriel UID %u refusé (marqué %s) : %s\n", r.uid,
                 channels::MailPoller::kRejectedKeyword, r.reason.c_str());
  }
  std::printf("%d courriels enregistrés, %zu refusés\n", report->stored, report->rejected.size());
  ctx.exit_code = 0;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

void RegisterChannelCommands(CLI::App& app, Context& ctx) {
  auto iopts = std::make_shared<ImportOptions>();
  CLI::App* import = app.add_subcommand(
      "import", "Importe des messages passés et leurs réponses (CSV, JSON Lines, mbox)");
  import->add_option("--format", iopts->format, "csv, jsonl ou mbox")->required();
  import->add_option("--service", iopts->service, "Service destinataire des messages")->required();
  import->add_option("file", iopts->file, "Fichier à importer")->required();
  import->callback([iopts, &ctx] { RunImport(*iopts, ctx);
});

CLI::App* mail = app.add_subcommand("mail", "Courriels (IMAP)");
mail->require_subcommand(1);
auto popts = std::make_shared<PollOptions>();
popts->url = Env("PLUME_IMAP_URL");
popts->username = Env("PLUME_IMAP_USER");
CLI::App* poll = mail->add_subcommand("poll", "Relève une fois la boîte IMAP d'un service");
poll->add_option("--service", popts->service, "Service propriétaire de la boîte")->required();
poll->add_option("--imap-url", popts->url, "imaps://hôte:993/INBOX (env PLUME_IMAP_URL)");
poll->add_option("--imap-user", popts->username, "Identifiant IMAP (env PLUME_IMAP_USER)");
poll->add_option("--password-env", popts->password_env,
                 "Variable d'environnement contenant le mot de passe")
    ->capture_default_str();
poll->add_flag("--insecure-loopback", popts->insecure_loopback,
               "Sans TLS (uniquement vers 127.0.0.1, pour les essais)");
poll->callback([popts, &ctx] { RunPoll(*popts, ctx); });
}  // namespace plume::cli

}  // namespace plume::cli
