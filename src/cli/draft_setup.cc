#include "cli/draft_setup.h"

#include <cstdlib>
#include <filesystem>

#include "cli/common.h"
#include "intent/model_store.h"
#include "intent/router.h"
#include "intent/taxonomy.h"
#include "metrics/llm_metrics.h"
#include "privacy/pseudonymizer.h"

namespace plume::cli {

void AddDraftOptions(CLI::App& cmd, DraftArgs& args) {
  cmd.add_option("--llm-url", args.llm_url,
                 "URL d'une API compatible OpenAI (Albert, vLLM, Ollama, llama.cpp), ex. "
                 "http://127.0.0.1:8000/v1")
      ->envname("PLUME_LLM_URL");
  cmd.add_option("--llm-model", args.llm_model, "Modèle à utiliser")->envname("PLUME_LLM_MODEL");
  cmd.add_option("--llm-key-env", args.llm_key_env,
                 "Variable d'environnement contenant la clé d'API")
      ->capture_default_str();
  cmd.add_option("--llm-timeout", args.llm_timeout_s, "Délai maximal d'une réponse du modèle (s)")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
  cmd.add_option("--default-engine", args.default_engine,
                 "Moteur par défaut : embedded ou generative")
      ->check(CLI::IsMember({"embedded", "generative"}));
  cmd.add_option("--agency", args.agency_file,
                 "Profil de l'administration (TOML : nom, signature, contacts)");
  cmd.add_option("--prompt-version", args.prompt_version, "Version des invites du moteur génératif")
      ->capture_default_str();
  cmd.add_option("--intent-weight", args.intent_weight,
                 "Part du score gardée par les fiches hors du thème de l'intention du message "
                 "(1 : sans effet, 0 : filtre)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
}

Result<std::unique_ptr<draft::DraftService>> OpenDraftService(
    const Context& ctx, const DraftArgs& args, Store& store, const Retriever& retriever,
    const retrieval::StopWords& stop_words, const Clock& clock, metrics::Registry* registry,
    const IntentClassifier* classifier) {
  draft::DraftServiceConfig c;
  PLUME_ASSIGN_OR_RETURN(intent::Taxonomy taxonomy,
                         intent::Taxonomy::Load(intent::TaxonomyPath(ctx.resource_dir)));
  c.embedded.narrowing.themes = taxonomy.ThemesByIntent();
  c.embedded.narrowing.other_theme_weight = args.intent_weight;
  if (classifier != nullptr) {
    c.embedded.narrowing.predict = [classifier](const Message& m) -> std::string {
      auto p = intent::PredictMessageIntent(m, *classifier);
      return p.ok() && !p->to_qualify ? p->label : std::string();
    };
  }
  c.resource_dir = ctx.resource_dir;
  c.name_model_file = privacy::FindNameModel(ctx.data_dir);
  c.prompt_version = args.prompt_version;
  c.default_engine = args.default_engine;
  if (!args.agency_file.empty()) {
    c.agency_file = args.agency_file;
  } else if (std::filesystem::exists(std::filesystem::path(ctx.data_dir) / "agency.toml")) {
    c.agency_file = std::filesystem::path(ctx.data_dir) / "agency.toml";
  }
  if (!args.llm_url.empty()) {
    llm::OpenAiClientConfig l;
    l.base_url = args.llm_url;
    l.default_model = args.llm_model;
    if (const char* key = std::getenv(args.llm_key_env.c_str())) l.api_key = key;
    l.request_timeout_ms = int64_t{args.llm_timeout_s} * 1000;
    l.stream_idle_timeout_ms = std::min<int64_t>(l.request_timeout_ms, 30'000);
    c.llm = l;
    c.generative.model = args.llm_model;
  }
  std::unique_ptr<LlmClient> client;
  if (c.llm) {
    PLUME_ASSIGN_OR_RETURN(auto openai, llm::OpenAiClient::Create(*c.llm, &clock));
    client = std::move(openai);
    if (registry != nullptr) {
      client = std::make_unique<metrics::MeteredLlmClient>(std::move(client), *registry, clock);
    }
  }
  return draft::DraftService::CreateWithClient(store, retriever, stop_words, clock, std::move(c),
                                               std::move(client));
}

Result<std::unique_ptr<DraftingStack>> OpenDraftingStack(const Context& ctx,
                                                         const DraftArgs& args) {
  auto stack = std::make_unique<DraftingStack>();
  PLUME_ASSIGN_OR_RETURN(stack->store, OpenConfiguredStore(ctx));
  PLUME_ASSIGN_OR_RETURN(retrieval::StopWords stop_words, LoadStopWords(ctx));
  stack->stop_words = std::make_unique<retrieval::StopWords>(std::move(stop_words));
  PLUME_ASSIGN_OR_RETURN(stack->retriever, OpenRetriever(ctx));
  std::string model_source;
  auto model = intent::LoadServingModel(
      *stack->store, std::filesystem::path(ctx.data_dir) / "intent", &model_source);
  if (model.ok()) {
    stack->classifier = std::move(model->classifier);
  } else if (model.status().code() != StatusCode::kFailedPrecondition) {
    return model.status();
  }
  PLUME_ASSIGN_OR_RETURN(
      stack->drafter,
      OpenDraftService(ctx, args, *stack->store, *stack->retriever, *stack->stop_words,
                       stack->clock, &stack->registry, stack->classifier.get()));
  return stack;
}

}  // namespace plume::cli
