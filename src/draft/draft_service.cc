#include "draft/draft_service.h"

#include "util/text.h"

namespace plume::draft {

std::string FallbackWarning(const Status& cause) {
  return "Le moteur génératif n'a pas pu rédiger (" + cause.message() +
         ") : ce brouillon vient du moteur intégré, sans modèle.";
}

DraftService::~DraftService() = default;

Result<std::unique_ptr<DraftService>> DraftService::Create(Store& store, const Retriever& retriever,
                                                           const retrieval::StopWords& stop_words,
                                                           const Clock& clock,
                                                           DraftServiceConfig config) {
  std::unique_ptr<LlmClient> client;
  if (config.llm) {
    PLUME_ASSIGN_OR_RETURN(auto openai, llm::OpenAiClient::Create(*config.llm, &clock));
    client = std::move(openai);
  }
  return CreateWithClient(store, retriever, stop_words, clock, std::move(config),
                          std::move(client));
}

Result<std::unique_ptr<DraftService>> DraftService::CreateWithClient(
    Store& store, const Retriever& retriever, const retrieval::StopWords& stop_words,
    const Clock& clock, DraftServiceConfig config, std::unique_ptr<LlmClient> client) {
  std::unique_ptr<DraftService> s(new DraftService());
  s->clock_ = &clock;
  if (config.default_engine.empty()) config.default_engine = std::string(kEmbeddedEngine);
  if (config.default_engine != kEmbeddedEngine && config.default_engine != kGenerativeEngine) {
    return InvalidArgument("moteur inconnu : « " + config.default_engine + " »");
  }
  if (config.default_engine == kGenerativeEngine && !client) {
    return InvalidArgument(
        "le moteur génératif est demandé par défaut mais aucun modèle n'est configuré");
  }
  PLUME_ASSIGN_OR_RETURN(s->templates_,
                         TemplateLibrary::Load(config.resource_dir / "templates" / "replies"));
  if (!config.agency_file.empty()) {
    PLUME_ASSIGN_OR_RETURN(s->agency_, LoadAgencyProfile(config.agency_file));
  }
  s->embedded_ = std::make_unique<EmbeddedEngine>(store, retriever, stop_words, s->templates_,
                                                  s->agency_, clock, config.embedded);
  if (client) {
    PLUME_ASSIGN_OR_RETURN(
        s->prompts_, PromptSet::Load(config.resource_dir / "prompts" / config.prompt_version));
    privacy::PseudonymizerConfig pc;
    pc.resource_dir = config.resource_dir / "privacy";
    pc.name_model_file = config.name_model_file;
    PLUME_ASSIGN_OR_RETURN(s->pseudonymizer_, privacy::Pseudonymizer::Create(pc));
    s->client_ = std::move(client);
    s->generative_ = std::make_unique<GenerativeEngine>(
        *s->client_, *s->embedded_, *s->pseudonymizer_, *s->prompts_, s->templates_, s->agency_,
        clock, config.generative);
  }
  s->config_ = std::move(config);
  return s;
}

std::vector<std::string> DraftService::Engines() const {
  std::vector<std::string> out = {config_.default_engine};
  std::string other(config_.default_engine == kEmbeddedEngine ? kGenerativeEngine
                                                              : kEmbeddedEngine);
  if (other == kEmbeddedEngine || generative_) out.push_back(other);
  return out;
}

Result<Draft> DraftService::Generate(const DraftRequest& request) {
  const Message& m = request.message;
  if (util::Trim(m.body).empty()) {
    return InvalidArgument("le message est vide : rien à quoi répondre");
  }
  if (m.body.size() + m.subject.size() > config_.max_body_bytes) {
    return InvalidArgument("message trop long pour un brouillon (limite " +
                           std::to_string(config_.max_body_bytes / 1024) + " Ko)");
  }
  for (const std::string* field : {&m.body, &m.subject, &m.sender_name, &m.sender_email}) {
    if (!util::IsValidUtf8(*field)) {
      return InvalidArgument("le message contient des octets qui ne sont pas de l'UTF-8");
    }
  }
  std::string engine = request.engine.empty() ? config_.default_engine : request.engine;
  if (engine != kEmbeddedEngine && engine != kGenerativeEngine) {
    return InvalidArgument("moteur inconnu : « " + engine + " »");
  }
  if (request.cancel && request.cancel->cancelled()) return Cancelled("brouillon annulé");
  const int64_t start_ms = clock_->NowMillis();
  if (engine == kGenerativeEngine) {
    if (!generative_) {
      return FailedPrecondition(
          "aucun modèle n'est configuré : utilisez le moteur intégré (« embedded »)");
    }
    Result<Draft> d = generative_->Generate(m, request.cancel, request.on_text);
    if (d.ok() || d.status().code() == StatusCode::kCancelled) return d;
    if (request.cancel && request.cancel->cancelled()) return Cancelled("brouillon annulé");
    PLUME_ASSIGN_OR_RETURN(Draft fallback, embedded_->Generate(m));
    fallback.warnings.insert(fallback.warnings.begin(), FallbackWarning(d.status()));
    fallback.latency_ms = clock_->NowMillis() - start_ms;
    if (request.on_text) request.on_text(fallback.text);
    return fallback;
  }
  PLUME_ASSIGN_OR_RETURN(Draft d, embedded_->Generate(m));
  if (request.on_text && !request.on_text(d.text)) return Cancelled("brouillon annulé");
  return d;
}

}  // namespace plume::draft
