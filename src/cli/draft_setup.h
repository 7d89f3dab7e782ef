// Building the DraftService from command-line options, shared by `plume draft`,
// `plume eval drafts` and `plume serve`.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/cli.h"
#include "draft/draft_service.h"
#include "metrics/prometheus.h"
#include "plume/clock.h"
#include "plume/intent.h"
#include "plume/retriever.h"
#include "plume/store.h"
#include "retrieval/analyzer.h"
#include "retrieval/bm25_retriever.h"

namespace plume::cli {

// Default of DraftArgs::intent_weight, chosen on `plume eval retrieval` / `plume eval drafts`
// (figures in the #6 note).
inline constexpr double kDefaultIntentWeight = 0.8;

// OpenAI-compatible endpoint options; also read from PLUME_LLM_URL, PLUME_LLM_MODEL and the API
// key from the environment variable named by --llm-key-env (PLUME_LLM_API_KEY by default).
struct DraftArgs {
  std::string llm_url;
  std::string llm_model;
  std::string llm_key_env = "PLUME_LLM_API_KEY";
  int llm_timeout_s = 60;
  std::string default_engine;  // empty: embedded
  std::string agency_file;     // empty: <data-dir>/agency.toml when it exists
  std::string prompt_version = "reply-v2";
  // Issue #6: documents outside the message's intent themes keep this share of their retrieval
  // score (1: no narrowing, 0: filter).
  double intent_weight = kDefaultIntentWeight;
};

void AddDraftOptions(CLI::App& cmd, DraftArgs& args);

// Everything a draft needs, opened from the configuration. Members are declared in dependency
// order (the drafter borrows the others), so they are destroyed in the right order.
struct DraftingStack {
  std::unique_ptr<Store> store;
  std::unique_ptr<retrieval::StopWords> stop_words;
  std::unique_ptr<retrieval::Bm25Retriever> retriever;
  SystemClock clock;
  // The serving intent model (null without one): predicts the intent that narrows retrieval.
  std::unique_ptr<IntentClassifier> classifier;
  // Metrics of the LLM calls (plume_llm_*); `plume serve` exposes it on GET /metrics.
  metrics::Registry registry;
  std::unique_ptr<draft::DraftService> drafter;
};

// Opens the configured store, the index and the DraftService. Errors: those of
// OpenConfiguredStore, LoadStopWords, OpenRetriever and DraftService::Create.
Result<std::unique_ptr<DraftingStack>> OpenDraftingStack(const Context& ctx, const DraftArgs& args);

// When a model is configured and `registry` is not null, the LLM client is metered into it
// (metrics/llm_metrics.h). Retrieval is narrowed to the message's intent (taxonomy of
// <resource_dir>/intent, args.intent_weight); `classifier` (borrowed, may be null) predicts the
// intent of messages that have none. Errors: those of OpenAiClient::Create, Taxonomy::Load and
// DraftService::Create.
Result<std::unique_ptr<draft::DraftService>> OpenDraftService(
    const Context& ctx, const DraftArgs& args, Store& store, const Retriever& retriever,
    const retrieval::StopWords& stop_words, const Clock& clock,
    metrics::Registry* registry = nullptr, const IntentClassifier* classifier = nullptr);

}  // namespace plume::cli
