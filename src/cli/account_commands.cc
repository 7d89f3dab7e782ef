// `plume agent add`, `plume token create`, `plume demo seed`: accounts, API tokens, demo data.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <array>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>

#include "auth/authenticator.h"
#include "auth/tokens.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "plume/clock.h"
#include "plume/outcomes.h"
#include "store/factory/store_factory.h"
#include "util/text.h"

namespace plume::cli {
namespace {

Result<std::unique_ptr<Store>> OpenAccountStore(const Context& ctx) {
  if (!ctx.database_url.empty()) return OpenStore(ctx.database_url);
  std::error_code ec;
  std::filesystem::create_directories(ctx.data_dir, ec);
  if (ec) return Unavailable("cannot create data folder " + ctx.data_dir + ": " + ec.message());
  return OpenStore(ctx.DbPath());
}

struct AgentArgs {
  std::string login;
  std::string name;
  std::string role = "agent";
  std::string service;
};

int RunAgentAdd(const Context& ctx, const AgentArgs& args) {
  Agent a;
  a.login = args.login;
  a.display_name = args.name;
  a.service = args.service;
  if (!ParseAgentRole(args.role, &a.role)) {
    return ReportFailure(InvalidArgument("rôle inconnu (agent, supervisor ou admin)"));
  }
  std::string password;
  if (!std::getline(std::cin, password)) {
    return ReportFailure(InvalidArgument("mot de passe attendu sur l'entrée standard"));
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto store = OpenAccountStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  SystemClock clock;
  auth::Authenticator accounts(**store, clock, {});
  auto created = accounts.CreateAgent(a, password);
  if (!created.ok()) return ReportFailure(created.status());
  fmt::print("Compte créé : {} ({}, service {}), identifiant n° {}\n", created->login,
             ToString(created->role), created->service, created->id);
  return 0;
}

int RunTokenCreate(const Context& ctx, const std::string& service, const std::string& label) {
  auto store = OpenAccountStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  SystemClock clock;
  auth::Authenticator accounts(**store, clock, {});
  auto token = accounts.CreateApiToken(service, label);
  if (!token.ok()) return ReportFailure(token.status());
  fmt::print(stderr,
             "Jeton n° {} créé pour le service {}. Il ne sera plus jamais affiché : "
             "conservez-le maintenant.\n",
             token->id, service);
  fmt::print("{}\n", token->token);
  return 0;
}

// --- Demo data ------------------------------------------------------------------------------

struct DemoTopic {
  const char* subject;
  std::array<const char*, 2> bodies;
};

struct DemoService {
  const char* id;
  const char* name;
  std::array<DemoTopic, 6> topics;
};

constexpr std::array<const char*, 20> kDemoNames = {
    "Jeanne Martin",  "Karim Benali",   "Sophie Bernard", "Lucas Petit",      "Fatou Diallo",
    "Nicolas Durand", "Camille Leroy",  "Mohamed Haddad", "Julie Moreau",     "Thomas Lefèvre",
    "Aïcha Traoré",   "Pierre Garnier", "Chloé Roux",     "Antoine Fontaine", "Inès Mercier",
    "Hugo Lambert",   "Léa Bonnet",     "Mathieu Girard", "Sarah Cohen",      "Éric Nguyen"};

constexpr std::array<const char*, 4> kClosings = {
    "Merci d'avance pour votre réponse.\nCordialement,", "Bien cordialement,",
    "Dans l'attente de votre retour, je vous prie d'agréer mes salutations distinguées.",
    "Merci beaucoup,"};

const std::array<DemoService, 3>& DemoServices() {
  static const std::array<DemoService, 3> kServices = {{
      {"prefecture-69",
       "Préfecture du Rhône",
       {{
           {"Renouvellement de carte d'identité",
            {"Ma carte d'identité expire le mois prochain. Dois-je prendre rendez-vous en mairie "
             "ou puis-je faire une pré-demande en ligne ? Quels justificatifs faut-il apporter ?",
             "J'ai perdu ma carte d'identité pendant mon déménagement. Comment déclarer la perte "
             "et en obtenir une nouvelle rapidement ? Je dois passer un concours le mois "
             "prochain."}},
           {"Permis de conduire",
            {"Je n'ai toujours pas reçu mon permis de conduire alors que ma demande sur le site "
             "de l'ANTS date de deux mois. Pouvez-vous me dire où en est mon dossier ?",
             "Je souhaite échanger mon permis de conduire marocain contre un permis français. "
             "Quelle est la procédure et quel est le délai ?"}},
           {"Titre de séjour",
            {"Mon titre de séjour expire dans six semaines et je ne trouve aucun créneau de "
             "rendez-vous. Que dois-je faire pour ne pas perdre mon emploi ?",
             "J'ai déposé une demande de renouvellement de titre de séjour il y a trois mois. "
             "Mon récépissé arrive à échéance : comment en obtenir un nouveau ?"}},
           {"Carte grise",
            {"J'ai déménagé à Villeurbanne. Comment changer l'adresse sur ma carte grise et "
             "est-ce payant ?",
             "Je viens d'acheter une voiture d'occasion et le vendeur ne m'a pas donné le code "
             "de cession. Comment faire la carte grise à mon nom ?"}},
           {"Passeport",
            {"Je pars à l'étranger dans trois semaines et mon passeport est périmé. Existe-t-il "
             "une procédure d'urgence ?",
             "Mon fils de 8 ans a besoin d'un passeport. Faut-il qu'il soit présent au "
             "rendez-vous et quels documents fournir ?"}},
           {"Demande de naturalisation",
            {"J'ai déposé mon dossier de naturalisation il y a un an et je n'ai aucune nouvelle. "
             "Pouvez-vous m'indiquer l'état d'avancement ?",
             "On me demande un justificatif de niveau de français pour ma naturalisation. "
             "Quels diplômes ou tests sont acceptés ?"}},
       }}},
      {"caf-75",
       "CAF de Paris",
       {{
           {"RSA : baisse du montant",
            {"Mon RSA a baissé ce mois-ci sans explication. J'ai pourtant déclaré mes ressources "
             "comme d'habitude. Pouvez-vous m'expliquer le calcul ?",
             "Je viens de perdre mon emploi et je voudrais savoir si j'ai droit au RSA. Comment "
             "faire la demande ?"}},
           {"Prime d'activité",
            {"Je travaille à temps partiel et je ne touche plus la prime d'activité depuis deux "
             "mois. Est-ce normal ?",
             "Je suis apprenti : ai-je droit à la prime d'activité et à partir de quel salaire ?"}},
           {"Aide au logement (APL)",
            {"Je viens d'emménager dans un studio à Paris. Mon APL n'a toujours pas été versée "
             "alors que j'ai envoyé tous les documents.",
             "Mon propriétaire me demande une attestation de loyer pour l'APL. Où la trouver ?"}},
           {"Allocations familiales",
            {"Notre troisième enfant est né le mois dernier. Faut-il faire une démarche pour les "
             "allocations familiales ?",
             "Mon fils a eu 20 ans et les allocations ont baissé. Jusqu'à quel âge sont-elles "
             "versées ?"}},
           {"Congés payés et déclaration trimestrielle",
            {"J'ai reçu une indemnité de congés payés à la fin de mon contrat. Dois-je la "
             "déclarer dans ma déclaration trimestrielle de RSA ?",
             "Mon employeur m'a payé mes congés payés non pris. Est-ce que cela va diminuer ma "
             "prime d'activité ?"}},
           {"Changement de situation",
            {"Je me suis séparée de mon conjoint le mois dernier. Comment déclarer ce changement "
             "et quelles aides peuvent être recalculées ?",
             "Je vais me marier en juin. Dois-je prévenir la CAF et cela change-t-il mes droits "
             "?"}},
       }}},
      {"mairie-lyon",
       "Mairie de Lyon",
       {{
           {"Acte de naissance",
            {"J'ai besoin d'une copie intégrale de mon acte de naissance pour mon mariage. "
             "Puis-je la demander en ligne ?",
             "Je suis né à Lyon mais j'habite maintenant à Marseille. Comment obtenir un extrait "
             "d'acte de naissance avec filiation ?"}},
           {"Inscription sur les listes électorales",
            {"Je viens d'emménager dans le 7e arrondissement. Jusqu'à quand puis-je m'inscrire "
             "sur les listes électorales pour voter aux prochaines élections ?",
             "Je ne trouve pas mon nom sur la liste électorale de mon bureau de vote. Comment "
             "vérifier mon inscription ?"}},
           {"Recensement citoyen",
            {"Ma fille a 16 ans depuis la semaine dernière. Comment faire son recensement "
             "citoyen et quels papiers apporter ?",
             "J'ai oublié de me faire recenser à 16 ans et j'en ai 19. Est-ce encore possible ?"}},
           {"Mariage à la mairie",
            {"Nous souhaitons nous marier en septembre. Quel dossier faut-il déposer et dans "
             "quel délai ?",
             "Mon futur mari est de nationalité étrangère. Quelles pièces supplémentaires faut-il "
             "pour le dossier de mariage ?"}},
           {"Inscription scolaire",
            {"Nous arrivons à Lyon en août. Comment inscrire notre fils en CE1 dans l'école de "
             "notre quartier ?",
             "Ma fille entre en petite section à la rentrée. Quels documents faut-il pour "
             "l'inscription ?"}},
           {"Rendez-vous carte d'identité",
            {"Il n'y a plus aucun rendez-vous disponible pour une carte d'identité à la mairie "
             "du 3e. Puis-je aller dans une autre mairie ?",
             "J'ai fait ma pré-demande de carte d'identité en ligne. Combien de temps est-elle "
             "valable avant le rendez-vous ?"}},
       }}},
  }};
  return kServices;
}

constexpr int kDemoMessagesPerService = 60;
// Demo messages are spread over the last 8 weeks, so the outcome dashboard has history.
constexpr int64_t kDemoSpacingMs = 8LL * 7 * 86'400'000 / kDemoMessagesPerService;
// The most recent demo messages stay open for agents to try; the others get generated outcomes.
constexpr int kDemoOpenMessages = 12;
constexpr std::string_view kDemoSubjectPrefix = "[DÉMO] ";
constexpr std::string_view kDemoEmailDomain = "@demo.invalid";

std::string DemoEmail(std::string_view name) {
  std::string folded = util::FoldAccents(util::ToLowerFrench(name));
  for (char& c : folded) {
    if (c == ' ') c = '.';
  }
  return folded + std::string(kDemoEmailDomain);
}

// Creates the account unless the login exists; prints the password once when created.
Status SeedAgent(auth::Authenticator& accounts, Store& store, const std::string& login,
                 const std::string& name, AgentRole role, const std::string& service) {
  auto existing = store.GetAgentByLogin(login);
  if (existing.ok()) {
    fmt::print("  {:<28} existe déjà (mot de passe inchangé)\n", login);
    return Status::Ok();
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  Agent a;
  a.login = login;
  a.display_name = name;
  a.role = role;
  a.service = service;
  const std::string password = "demo-" + auth::NewSecret().substr(0, 16);
  PLUME_ASSIGN_OR_RETURN(Agent created, accounts.CreateAgent(a, password));
  fmt::print("  {:<28} mot de passe de DÉMONSTRATION : {}   ({}, {})\n", created.login, password,
             ToString(created.role), created.service);
  return Status::Ok();
}

Result<int> SeedMessages(Store& store, const DemoService& svc, int64_t now_ms) {
  std::set<std::pair<std::string, std::string>> existing;  // (subject, sender_email)
  MessageFilter f;
  f.service = svc.id;
  f.limit = 1000;
  while (true) {
    PLUME_ASSIGN_OR_RETURN(std::vector<Message> page, store.ListMessages(f));
    for (const auto& m : page) existing.insert({m.subject, m.sender_email});
    if (page.size() < static_cast<size_t>(f.limit)) break;
    f.after_id = page.back().id;
  }
  int created = 0;
  for (int i = 0; i < kDemoMessagesPerService; ++i) {
    const char* name = kDemoNames[static_cast<size_t>(i) % kDemoNames.size()];
    const DemoTopic& topic = svc.topics[static_cast<size_t>(i) % svc.topics.size()];
    Message m;
    m.service = svc.id;
    m.channel = i % 3 == 0 ? Channel::kEmail : Channel::kWebForm;
    m.sender_name = name;
    m.sender_email = DemoEmail(name);
    m.subject = std::string(kDemoSubjectPrefix) + topic.subject;
    if (existing.count({m.subject, m.sender_email}) > 0) continue;
    m.body = std::string("Bonjour,\n\n") + topic.bodies[static_cast<size_t>(i / 6) % 2] + "\n\n" +
             kClosings[static_cast<size_t>(i) % kClosings.size()] + "\n" + name;
    m.received_at_ms = now_ms - static_cast<int64_t>(i) * kDemoSpacingMs;  // over 8 weeks
    PLUME_ASSIGN_OR_RETURN(int64_t id, store.CreateMessage(m));
    (void)id;
    ++created;
  }
  return created;
}

// Deterministic pseudo-random numbers (splitmix64), so the demo is the same on every machine.
uint64_t DemoRandom(uint64_t seed) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct DemoOutcomeStats {
  int replies = 0;
  int ratings = 0;
  int feedback = 0;
};

// Generated outcomes (drafts, decisions, satisfaction ratings, agents' feedback) for the demo
// messages of `svc` that are old enough and have neither draft nor decision yet: running the seed
// again adds nothing, and messages an agent has handled are left alone. Everything is labelled
// as generated demo data.
Result<DemoOutcomeStats> SeedOutcomes(Store& store, const DemoService& svc, size_t service_index,
                                      int64_t now_ms) {
  constexpr int64_t kHour = 3'600'000;
  constexpr int64_t kDay = 24 * kHour;
  DemoOutcomeStats stats;
  std::string slug = svc.id;
  slug.erase(std::remove(slug.begin(), slug.end(), '-'), slug.end());
  const std::string agent = "agent." + slug;
  MessageFilter f;
  f.service = svc.id;
  f.limit = 1000;
  std::vector<Message> demo;
  while (true) {
    PLUME_ASSIGN_OR_RETURN(std::vector<Message> page, store.ListMessages(f));
    for (auto& m : page) {
      if (m.sender_email.ends_with(kDemoEmailDomain) && m.subject.starts_with(kDemoSubjectPrefix)) {
        demo.push_back(std::move(m));
      }
    }
    if (page.size() < static_cast<size_t>(f.limit)) break;
    f.after_id = page.back().id;
  }
  for (const Message& m : demo) {
    if (m.received_at_ms > now_ms - kDemoOpenMessages * kDemoSpacingMs) continue;
    PLUME_ASSIGN_OR_RETURN(std::vector<Draft> drafts, store.ListDrafts(m.id));
    PLUME_ASSIGN_OR_RETURN(std::vector<Decision> decisions, store.ListDecisions(m.id));
    if (!drafts.empty() || !decisions.empty() || m.status != MessageStatus::kNew) continue;
    uint64_t r = DemoRandom(static_cast<uint64_t>(m.received_at_ms) * 7 + service_index);
    auto next = [&r](uint64_t n) {
      r = DemoRandom(r);
      return static_cast<int64_t>(r % n);
    };
    const int64_t kind_roll = next(100);
    const DecisionKind kind = kind_roll < 45   ? DecisionKind::kAccepted
                              : kind_roll < 78 ? DecisionKind::kEdited
                                               : DecisionKind::kWrittenWithoutAi;
    const bool ai = kind != DecisionKind::kWrittenWithoutAi;
    const bool with_draft = ai || next(2) == 0;  // some replies follow a discarded draft
    // AI-assisted replies go out in 4 h to 4 days, the others in 1 to 9 days.
    const int64_t delay = ai ? 4 * kHour + next(92) * kHour : kDay + next(8 * 24) * kHour;
    const int64_t decided_at = std::min(m.received_at_ms + delay, now_ms - kHour);
    const std::string draft_text = fmt::format(
        "Bonjour {},\n\nNous avons bien reçu votre demande « {} ». [Texte généré pour la "
        "démonstration de Plume.]\n\nCordialement,\n{}",
        m.sender_name, m.subject.substr(kDemoSubjectPrefix.size()), svc.name);
    std::optional<int64_t> draft_id;
    if (with_draft) {
      Draft d;
      d.message_id = m.id;
      d.engine = "embedded";
      d.engine_version = "démo";
      d.text = draft_text;
      d.warnings = {"Données de démonstration générées"};
      d.created_at_ms = m.received_at_ms + std::min<int64_t>(delay / 2, 2 * kHour);
      d.latency_ms = 200 + next(1300);
      PLUME_ASSIGN_OR_RETURN(draft_id, store.CreateDraft(d));
      if (!ai) {
        Decision discard;
        discard.message_id = m.id;
        discard.draft_id = draft_id;
        discard.agent = agent;
        discard.kind = DecisionKind::kDiscarded;
        discard.decided_at_ms = d.created_at_ms + 10 * 60'000;
        AuditEntry audit;
        audit.at_ms = discard.decided_at_ms;
        audit.service = svc.id;
        audit.agent = agent;
        audit.action = "draft_discarded";
        audit.engine = d.engine;
        audit.detail = "données de démonstration";
        PLUME_ASSIGN_OR_RETURN(int64_t discard_id, store.RecordDecisionWithAudit(discard, audit));
        (void)discard_id;
      }
      if (next(100) < 70) {  // agents give feedback on most drafts
        DraftFeedback fb;
        fb.draft_id = *draft_id;
        fb.agent = agent;
        fb.thumbs_up =
            kind == DecisionKind::kAccepted || (kind == DecisionKind::kEdited && next(2));
        if (!fb.thumbs_up) {
          fb.reasons.push_back(static_cast<FeedbackReason>(next(5)));
          if (next(3) == 0) {
            const auto extra = static_cast<FeedbackReason>(next(5));
            if (extra != fb.reasons.front()) fb.reasons.push_back(extra);
          }
        }
        fb.comment = "Avis de démonstration";
        fb.created_at_ms = decided_at;
        PLUME_ASSIGN_OR_RETURN(int64_t feedback_id, store.SaveDraftFeedback(fb));
        (void)feedback_id;
        ++stats.feedback;
      }
    }
    Decision sent;
    sent.message_id = m.id;
    sent.agent = agent;
    sent.kind = kind;
    sent.decided_at_ms = decided_at;
    if (ai) sent.draft_id = draft_id;
    sent.final_text = kind == DecisionKind::kAccepted ? draft_text
                      : kind == DecisionKind::kEdited
                          ? draft_text +
                                "\nNous restons à votre disposition pour tout "
                                "complément."
                          : "Bonjour,\n\nRéponse rédigée sans brouillon (démonstration).";
    sent.edit_distance =
        kind == DecisionKind::kEdited ? util::EditDistance(draft_text, sent.final_text) : 0;
    AuditEntry audit;
    audit.at_ms = decided_at;
    audit.service = svc.id;
    audit.agent = agent;
    audit.action = "reply_sent";
    audit.final_text = sent.final_text;
    audit.detail = "données de démonstration";
    PLUME_ASSIGN_OR_RETURN(sent.id, store.RecordDecisionWithAudit(sent, audit));
    ++stats.replies;
    // Satisfaction link (its token is never shown: these links cannot be used) and, for about
    // half of the replies, the citizen's rating.
    SatisfactionLink link;
    link.token_hash = auth::HashToken(auth::NewSecret());
    link.decision_id = sent.id;
    link.message_id = m.id;
    link.created_at_ms = decided_at;
    link.expires_at_ms = decided_at + 30 * kDay;
    PLUME_RETURN_IF_ERROR(store.CreateSatisfactionLink(link));
    if (next(100) < 55) {
      // AI-assisted replies: mostly 4-5; the others spread wider.
      static constexpr int kAiScores[10] = {5, 5, 5, 4, 4, 4, 4, 3, 3, 2};
      static constexpr int kOtherScores[10] = {5, 5, 4, 4, 4, 3, 3, 2, 2, 1};
      SatisfactionRating rating;
      rating.score = (ai ? kAiScores : kOtherScores)[next(10)];
      if (next(100) < 85) rating.useful = rating.score >= 3;
      rating.comment = "Avis de démonstration";
      rating.rated_at_ms = std::min(decided_at + next(48) * kHour, now_ms);
      rating.updated_at_ms = rating.rated_at_ms;
      PLUME_RETURN_IF_ERROR(store.SaveSatisfactionRating(link.token_hash, rating));
      ++stats.ratings;
    }
  }
  return stats;
}

int RunDemoSeed(const Context& ctx) {
  auto store = OpenAccountStore(ctx);
  if (!store.ok()) return ReportFailure(store.status());
  SystemClock clock;
  auth::Authenticator accounts(**store, clock, {});
  fmt::print(
      "Données de DÉMONSTRATION (comptes et messages générés, aucun usager réel).\n"
      "Comptes :\n");
  for (const auto& svc : DemoServices()) {
    std::string slug = svc.id;
    slug.erase(std::remove(slug.begin(), slug.end(), '-'), slug.end());
    for (auto [prefix, label, role] :
         {std::tuple{"agent.", "Agent", AgentRole::kAgent},
          std::tuple{"superviseur.", "Superviseur", AgentRole::kSupervisor}}) {
      Status s = SeedAgent(accounts, **store, prefix + slug,
                           fmt::format("{} démo — {}", label, svc.name), role, svc.id);
      if (!s.ok()) return ReportFailure(s);
    }
  }
  if (Status s = SeedAgent(accounts, **store, "admin.demo", "Administrateur démo",
                           AgentRole::kAdmin, "plume");
      !s.ok()) {
    return ReportFailure(s);
  }
  fmt::print("Messages générés (objet préfixé « {} », adresses {}) :\n",
             util::Trim(kDemoSubjectPrefix), kDemoEmailDomain);
  for (const auto& svc : DemoServices()) {
    auto created = SeedMessages(**store, svc, clock.NowMillis());
    if (!created.ok()) return ReportFailure(created.status());
    fmt::print("  {:<16} {} créés, {} déjà présents\n", svc.id, *created,
               kDemoMessagesPerService - *created);
  }
  fmt::print(
      "Résultats générés (brouillons, réponses, avis d'usagers et d'agents de DÉMONSTRATION) :\n");
  for (size_t i = 0; i < DemoServices().size(); ++i) {
    const DemoService& svc = DemoServices()[i];
    auto seeded = SeedOutcomes(**store, svc, i, clock.NowMillis());
    if (!seeded.ok()) return ReportFailure(seeded.status());
    fmt::print("  {:<16} {} réponses, {} avis d'usagers, {} avis d'agents ajoutés\n", svc.id,
               seeded->replies, seeded->ratings, seeded->feedback);
  }
  return 0;
}

}  // namespace

void RegisterAccountCommands(CLI::App& app, Context& ctx) {
  CLI::App* agent = app.add_subcommand("agent", "Comptes des agents");
  agent->require_subcommand(1);
  auto agent_args = std::make_shared<AgentArgs>();
  CLI::App* add = agent->add_subcommand(
      "add", "Crée un compte (mot de passe lu sur une ligne de l'entrée standard)");
  add->add_option("--login", agent_args->login, "Identifiant de connexion")->required();
  add->add_option("--name", agent_args->name, "Nom affiché")->required();
  add->add_option("--role", agent_args->role, "agent, supervisor ou admin")->capture_default_str();
  add->add_option("--service", agent_args->service, "Service (ex. prefecture-69)")->required();
  add->callback([&ctx, agent_args] { ctx.exit_code = RunAgentAdd(ctx, *agent_args); });

  CLI::App* token = app.add_subcommand("token", "Jetons d'API des intégrations");
  token->require_subcommand(1);
  auto service = std::make_shared<std::string>();
  auto label = std::make_shared<std::string>();
  CLI::App* create =
      token->add_subcommand("create", "Crée un jeton pour un service (affiché une seule fois)");
  create->add_option("--service", *service, "Service (ex. caf-75)")->required();
  create->add_option("--label", *label, "Libellé (ex. formulaire du site)");
  create->callback(
      [&ctx, service, label] { ctx.exit_code = RunTokenCreate(ctx, *service, *label); });

  CLI::App* demo = app.add_subcommand("demo", "Données de démonstration");
  demo->require_subcommand(1);
  demo->add_subcommand("seed",
                       "Crée 3 services de démonstration (comptes, messages, réponses et avis "
                       "générés sur 8 semaines ; idempotent)")
      ->callback([&ctx] { ctx.exit_code = RunDemoSeed(ctx); });
}

}  // namespace plume::cli
