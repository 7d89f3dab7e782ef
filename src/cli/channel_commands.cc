// `plume import` (past messages with their replies), `plume mail poll` (one IMAP pass into the
// store, duplicates and threads recognised by Message-ID) and `plume mail send` (one SMTP pass
// over the outbox); the e-mail sender thread of `plume serve` (mail_setup.h).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "channels/importer.h"
#include "channels/mail_poller.h"
#include "channels/mail_transport.h"
#include "channels/outbox.h"
#include "channels/outbox_worker.h"
#include "channels/store_mail_state.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/mail_setup.h"
#include "cli/progress_bar.h"
#include "intent/model_store.h"
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

struct SendOptions {
  std::string url;
  std::string username;
  std::string password_env = "PLUME_SMTP_PASSWORD";
  bool insecure_loopback = false;
  int limit = 100;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Result<std::unique_ptr<channels::CurlSmtpSender>> OpenSmtp(const std::string& url,
                                                           const std::string& user,
                                                           const std::string& password_env,
                                                           bool insecure_loopback) {
  channels::MailServerConfig config;
  config.url = url;
  config.username = user;
  config.password = Env(password_env.c_str());
  config.tls = insecure_loopback ? channels::TlsMode::kNone : channels::TlsMode::kRequired;
  return channels::CurlSmtpSender::Create(config);
}

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
  auto routing = intent::OpenServingRouter(**store, std::filesystem::path(ctx.data_dir) / "intent");
  if (!routing.ok()) {
    ctx.exit_code = ReportFailure(routing.status());
    return;
  }
  importer.set_router(routing->router.get());  // intent and queue (issue #6)
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
  channels::StoreMailRepository repository(store->get());
  channels::MailPoller poller(mailbox->get(), store->get(), &repository, &clock, opts.service);
  auto routing = intent::OpenServingRouter(**store, std::filesystem::path(ctx.data_dir) / "intent");
  if (!routing.ok()) {
    ctx.exit_code = ReportFailure(routing.status());
    return;
  }
  poller.set_router(routing->router.get());  // intent and queue (issue #6)
  auto report = poller.PollOnce();
  if (!report.ok()) {
    ctx.exit_code = ReportFailure(report.status());
    return;
  }
  for (const auto& r : report->rejected) {
    std::fprintf(stderr, "courriel UID %u refusé (marqué %s) : %s\n", r.uid,
                 channels::MailPoller::kRejectedKeyword, r.reason.c_str());
  }
  std::printf(
      "%d courriels enregistrés (dont %d à la suite d'un échange), %d déjà connus, %zu "
      "refusés\n",
      report->stored, report->threaded, report->duplicates, report->rejected.size());
  ctx.exit_code = 0;
}

void RunSend(const SendOptions& opts, Context& ctx) {
  if (opts.url.empty()) {
    std::fprintf(stderr, "erreur : --smtp-url (ou PLUME_SMTP_URL) est requis\n");
    ctx.exit_code = 2;
    return;
  }
  auto smtp = OpenSmtp(opts.url, opts.username, opts.password_env, opts.insecure_loopback);
  if (!smtp.ok()) {
    ctx.exit_code = ReportFailure(smtp.status());
    return;
  }
  auto store = OpenConfiguredStore(ctx);
  if (!store.ok()) {
    ctx.exit_code = ReportFailure(store.status());
    return;
  }
  SystemClock clock;
  channels::StoreOutbox outbox(store->get());
  channels::OutboxSender sender(&outbox, smtp->get(), &clock);
  auto report = sender.RunOnce(opts.limit);
  if (!report.ok()) {
    ctx.exit_code = ReportFailure(report.status());
    return;
  }
  std::printf("%d courriels envoyés, %d à réessayer plus tard, %d en échec\n", report->sent,
              report->retried, report->failed);
  ctx.exit_code = 0;
}

// The sender thread of `plume serve`.
class OutboxRuntime final : public MailRuntime {
 public:
  OutboxRuntime(std::unique_ptr<channels::CurlSmtpSender> smtp, Store& store, const Clock& clock,
                std::chrono::milliseconds interval)
      : smtp_(std::move(smtp)),
        outbox_(&store),
        sender_(&outbox_, smtp_.get(), &clock),
        worker_(&sender_, interval, [](const Result<channels::SendReport>& r) {
          if (!r.ok()) {
            std::fprintf(stderr, "envoi des courriels : %s\n", r.status().ToString().c_str());
          } else if (r->sent + r->retried + r->failed > 0) {
            std::fprintf(stderr, "courriels : %d envoyés, %d à réessayer, %d en échec\n", r->sent,
                         r->retried, r->failed);
          }
        }) {}
  ~OutboxRuntime() override { worker_.Stop(); }
  channels::OutboxWorker& worker() { return worker_; }

 private:
  std::unique_ptr<channels::CurlSmtpSender> smtp_;
  channels::StoreOutbox outbox_;
  channels::OutboxSender sender_;
  channels::OutboxWorker worker_;  // last: stopped first
};

}  // namespace

void RegisterChannelCommands(CLI::App& app, Context& ctx) {
  auto iopts = std::make_shared<ImportOptions>();
  CLI::App* import_cmd = app.add_subcommand(
      "import", "Importe des messages passés et leurs réponses (CSV, JSON Lines, mbox)");
  import_cmd->add_option("--format", iopts->format, "csv, jsonl ou mbox")->required();
  import_cmd->add_option("--service", iopts->service, "Service destinataire des messages")
      ->required();
  import_cmd->add_option("file", iopts->file, "Fichier à importer")->required();
  import_cmd->callback([iopts, &ctx] { RunImport(*iopts, ctx); });

  CLI::App* mail = app.add_subcommand("mail", "Courriels (relève IMAP, envoi SMTP)");
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
  auto sopts = std::make_shared<SendOptions>();
  sopts->url = Env("PLUME_SMTP_URL");
  sopts->username = Env("PLUME_SMTP_USER");
  CLI::App* send =
      mail->add_subcommand("send", "Envoie une fois les réponses en attente (file d'envoi SMTP)");
  send->add_option("--smtp-url", sopts->url,
                   "smtps://hôte:465 ou smtp://hôte:587 (env PLUME_SMTP_URL)");
  send->add_option("--smtp-user", sopts->username, "Identifiant SMTP (env PLUME_SMTP_USER)");
  send->add_option("--password-env", sopts->password_env,
                   "Variable d'environnement contenant le mot de passe")
      ->capture_default_str();
  send->add_flag("--insecure-loopback", sopts->insecure_loopback,
                 "Sans TLS (uniquement vers 127.0.0.1, pour les essais)");
  send->add_option("--limit", sopts->limit, "Nombre maximal de courriels")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  send->callback([sopts, &ctx] { RunSend(*sopts, ctx); });
}  // namespace plume::cli

void AddMailServeOptions(CLI::App& serve, MailArgs& args) {
  args.smtp_url = Env("PLUME_SMTP_URL");
  args.smtp_user = Env("PLUME_SMTP_USER");
  args.mail_from = Env("PLUME_MAIL_FROM");
  args.public_base_url = Env("PLUME_PUBLIC_URL");
  serve.add_option("--smtp-url", args.smtp_url,
                   "Relais SMTP des réponses par courriel (env PLUME_SMTP_URL)");
  serve.add_option("--smtp-user", args.smtp_user, "Identifiant SMTP (env PLUME_SMTP_USER)");
  serve
      .add_option("--smtp-password-env", args.password_env,
                  "Variable d'environnement contenant le mot de passe SMTP")
      ->capture_default_str();
  serve.add_flag("--smtp-insecure-loopback", args.insecure_loopback,
                 "SMTP sans TLS (uniquement vers 127.0.0.1, pour les essais)");
  serve.add_option("--mail-from", args.mail_from,
                   "Adresse d'expédition des réponses (env PLUME_MAIL_FROM)");
  serve.add_option("--mail-from-name", args.mail_from_name,
                   "Nom affiché de l'expéditeur, ex. « Préfecture du Rhône »");
  serve.add_option("--public-url", args.public_base_url,
                   "Adresse publique de Plume pour les liens d'avis, ex. https://plume.exemple.fr "
                   "(env PLUME_PUBLIC_URL)");
  serve.add_option("--mail-interval", args.interval_s, "Secondes entre deux envois de la file")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
}

Result<std::unique_ptr<MailRuntime>> StartMailRuntime(const MailArgs& args, Store& store,
                                                      const Clock& clock,
                                                      http::ServerOptions* options) {
  if (!args.public_base_url.empty() && !args.public_base_url.starts_with("https://") &&
      !args.public_base_url.starts_with("http://")) {
    return InvalidArgument("--public-url doit commencer par https:// ou http://");
  }
  if (!args.mail_from.empty() && (args.mail_from.find('@') == std::string::npos ||
                                  args.mail_from.find_first_of(" <>\r\n,;") != std::string::npos)) {
    return InvalidArgument("--mail-from doit être une adresse électronique : " + args.mail_from);
  }
  options->mail_from = args.mail_from;
  options->mail_from_name = args.mail_from_name;
  options->public_base_url = args.public_base_url;
  if (args.smtp_url.empty()) return std::unique_ptr<MailRuntime>();
  if (args.mail_from.empty()) return InvalidArgument("--smtp-url demande --mail-from");
  PLUME_ASSIGN_OR_RETURN(auto smtp, OpenSmtp(args.smtp_url, args.smtp_user, args.password_env,
                                             args.insecure_loopback));
  auto runtime = std::make_unique<OutboxRuntime>(std::move(smtp), store, clock,
                                                 std::chrono::seconds(args.interval_s));
  channels::OutboxWorker* worker = &runtime->worker();
  options->on_mail_enqueued = [worker] { worker->Wake(); };
  worker->Start();
  return std::unique_ptr<MailRuntime>(std::move(runtime));
}

}  // namespace plume::cli
