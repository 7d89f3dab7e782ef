// DraftService: the Drafter behind the "Proposer une réponse" button.
//
// Owns the template library, the agency profile, the prompts, the pseudonymiser, the
// OpenAI-compatible client (when configured) and both engines. Requests name an engine or get
// the default one (embedded unless configured otherwise). When the generative engine fails for
// any reason but cancellation (server down, timeout, 5xx after retries, malformed answer), the
// embedded engine drafts instead and the draft's first warning says so: the agent always gets a
// draft and never loses the message.
//
// Ownership: borrows store, retriever, stop words and clock (must outlive the service).
// Thread-safety: Generate() may be called concurrently.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "draft/embedded_engine.h"
#include "draft/generative_engine.h"
#include "llm/openai_client.h"
#include "plume/drafter.h"

namespace plume::draft {

struct DraftServiceConfig {
  // Holds templates/replies/, prompts/<prompt_version>/ and privacy/ (name lists).
  std::filesystem::path resource_dir;
  std::filesystem::path agency_file;  // TOML (see agency_profile.h); empty: defaults
  // Person-name model for the pseudonymiser before model calls (privacy::FindNameModel); empty:
  // names come from the rules only.
  std::filesystem::path name_model_file;
  std::string prompt_version = "reply-v2";
  std::string default_engine;                  // "embedded" (when empty) or "generative"
  std::optional<llm::OpenAiClientConfig> llm;  // unset: no generative engine
  EmbeddedOptions embedded;
  GenerativeOptions generative;
  size_t max_body_bytes = 100 * 1024;
};

class DraftService final : public Drafter {
 public:
  // Errors: those of loading the templates, prompts, agency profile and name lists, of creating
  // the LLM client (kInvalidArgument for a bad URL), and kInvalidArgument for an unknown default
  // engine or a generative default without an LLM configured.
  static Result<std::unique_ptr<DraftService>> Create(Store& store, const Retriever& retriever,
                                                      const retrieval::StopWords& stop_words,
                                                      const Clock& clock,
                                                      DraftServiceConfig config);
  // As Create, with an LLM client supplied by the caller (owned by the service).
  static Result<std::unique_ptr<DraftService>> CreateWithClient(
      Store& store, const Retriever& retriever, const retrieval::StopWords& stop_words,
      const Clock& clock, DraftServiceConfig config, std::unique_ptr<LlmClient> client);
  ~DraftService() override;

  Result<Draft> Generate(const DraftRequest& request) override;
  std::vector<std::string> Engines() const override;

  const EmbeddedEngine& embedded() const { return *embedded_; }
  // nullptr without an LLM.
  const GenerativeEngine* generative() const { return generative_.get(); }

 private:
  DraftService() = default;

  const Clock* clock_ = nullptr;
  DraftServiceConfig config_;
  TemplateLibrary templates_;
  AgencyProfile agency_;
  std::optional<PromptSet> prompts_;
  std::optional<privacy::Pseudonymizer> pseudonymizer_;
  std::unique_ptr<LlmClient> client_;
  std::unique_ptr<EmbeddedEngine> embedded_;
  std::unique_ptr<GenerativeEngine> generative_;
};

// "Le moteur génératif n'a pas répondu (…) : brouillon du moteur intégré."
std::string FallbackWarning(const Status& cause);

}  // namespace plume::draft
