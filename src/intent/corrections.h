// Agents' corrections of predicted intents, kept as future training examples.
//
// Two sources, both used only by an explicit `plume intent train` (never a silent retrain):
// the Store's intent_corrections (made by agents on the message page, see routing_service.h) and
// <data_dir>/intent/corrections.jsonl, one JSON object per line (`plume intent correct`). The
// text should already be pseudonymised by the caller (it comes from a citizen's message).
//
// Thread-safety: AppendCorrection() calls of one process are serialised by an internal mutex;
// concurrent writers of the JSONL file in separate processes are not supported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "intent/dataset.h"
#include "intent/taxonomy.h"
#include "plume/clock.h"
#include "plume/status.h"

namespace plume::intent {

struct IntentCorrection {
  std::string text;
  std::string label;      // corrected intent (taxonomy id)
  std::string predicted;  // what the classifier said (may be empty)
  std::string agent;
  int64_t at_ms = 0;
};

// Errors: kInvalidArgument for an empty/non-UTF-8/oversized text or a label not in the taxonomy;
// kUnavailable on I/O.
Status AppendCorrection(const std::filesystem::path& file, const Taxonomy& taxonomy,
                        IntentCorrection correction, const Clock& clock);

// Corrections as training examples (origin "correction", group "correction:<hash of text>").
// A missing file is an empty list. Lines whose label left the taxonomy are skipped and counted in
// *skipped. Errors: kDataLoss with the line number for a malformed line.
Result<std::vector<LabeledExample>> LoadCorrections(const std::filesystem::path& file,
                                                    const Taxonomy& taxonomy, int64_t* skipped);

// Agents' corrections stored in the Store (POST /api/messages/{id}/intent; texts already
// pseudonymised), as training examples like LoadCorrections'. Labels that left the taxonomy are
// skipped and counted in *skipped. Errors: those of Store::ListIntentCorrections.
Result<std::vector<LabeledExample>> LoadStoreCorrections(Store& store, const Taxonomy& taxonomy,
                                                         int64_t* skipped);

}  // namespace plume::intent
