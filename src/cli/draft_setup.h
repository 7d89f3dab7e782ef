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
#include "plume/retriever.h"
#include "plume/store.h"
#include "retrieval/analyzer.h"
#include "retrieval/bm25_retriever.h"

namespace plume::cli {

// OpenAI-compatible endpoint options; also read from PLUME_LLM_URL, PLUME_LLM_MODEL and the API
// key from the environment variable named by --llm-key-env (PLUME_LLM_API_KEY by default).
struct DraftArgs {
  std::string llm_url;
  std::string llm_model;
  std::string llm_key_env = "PLUME_LLM_API_KEY";
  int llm_timeout_s = 60;
  std::string default_engine;  // empty: embedded
  std::string agency_file;     // empty: <data-dir>/agency.toml when it exists
  std::string prompt_version = "reply-v1";
};

void AddDraftOptions(CLI::App& cmd, DraftArgs& args);

// Everything a draft needs, opened from the configuration. Members are declared in dependency
// order (the drafter borrows the others), so they are destroyed in the right order.
struct DraftingStack {
  std::unique_ptr<Store> store;
  std::unique_ptr<retrieval::StopWords> stop_words;
  std::unique_ptr<retrieval::Bm25Retriever> retriever;
  SystemClock clock;
  // Metrics of the LLM calls (plume_llm_*); `plume serve` exposes it on GET /metrics.
  metrics::Registry registry;
  std::unique_ptr<draft::DraftService> drafter;
};

// Opens the configured store, the index and the DraftService. Errors: those of
// OpenConfiguredStore, LoadStopWords, OpenRetriever and DraftService::Create.
Result<std::unique_ptr<DraftingStack>> OpenDraftingStack(const Context& ctx, const DraftArgs& args);

// When a model is configured and `registry` is not null, the LLM client is metered into it
// (metrics/llm_metrics.h). Errors: those of OpenAiClient::Create and DraftService::Create.
Result<std::unique_ptr<draft::DraftService>> OpenDraftService(
    const Context& ctx, const DraftArgs& args, Store& store, const Retriever& retriever,
    const retrieval::StopWords& stop_words, const Clock& clock,
    metrics::Registry* registry = nullptr);

}  // namespace plume::cli
