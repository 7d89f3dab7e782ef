// Building the DraftService from command-line options, shared by `plume draft`,
// `plume eval drafts` and `plume serve`.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli/cli.h"
#include "draft/draft_service.h"
#include "plume/clock.h"
#include "plume/retriever.h"
#include "plume/store.h"
#include "retrieval/analyzer.h"

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

// Errors: those of DraftService::Create.
Result<std::unique_ptr<draft::DraftService>> OpenDraftService(
    const Context& ctx, const DraftArgs& args, Store& store, const Retriever& retriever,
    const retrieval::StopWords& stop_words, const Clock& clock);

}  // namespace plume::cli
