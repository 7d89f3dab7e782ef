// Agents' corrections of predicted intents, kept as future training examples.
//
// They live in the Store's intent_corrections (made by agents on the message page, see
// routing_service.h, or by `plume intent correct`) and are used only by an explicit
// `plume intent train` (never a silent retrain). Older installations kept them in
// <data_dir>/intent/corrections.jsonl, one JSON object per line: ImportCorrectionsFile moves such
// a file into the store once. The text should already be pseudonymised by the caller (it comes
// from a citizen's message).
//
// Thread-safety: the functions share no state; the store serialises its writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "intent/dataset.h"
#include "intent/taxonomy.h"
#include "plume/clock.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::intent {

struct IntentCorrection {
  std::string text;
  std::string label;      // corrected intent (taxonomy id)
  std::string predicted;  // what the classifier said (may be empty)
  std::string agent;
  int64_t at_ms = 0;
};

// Records a correction that belongs to no message (`plume intent correct`) in the store, dated by
// `clock`. Returns false when the same text, label, agent and time were already recorded.
// Errors: kInvalidArgument for an empty, non-UTF-8 or oversized text, a text without words or a
// label not in the taxonomy; those of the store.
Result<bool> RecordCorrection(Store& store, const Taxonomy& taxonomy, IntentCorrection correction,
                              const Clock& clock);

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

struct CorrectionsImport {
  int64_t lines = 0;                 // corrections read from the file
  int64_t added = 0;                 // stored now (the others were imported before)
  int64_t skipped = 0;               // label outside the taxonomy: not imported
  std::filesystem::path renamed_to;  // where the file went; empty when there was no file
};

// Moves an old corrections.jsonl (LoadCorrections' format) into the store once: every line is
// stored with ImportIntentCorrections under the key "jsonl:<hash of the line>" (so a second run,
// or a run after a crash before the rename, adds nothing), then the file is renamed to
// <file>.imported (.imported.2... when that exists) so LoadCorrections stops reading it. A line
// without agent is stored with agent "inconnu". A missing file does nothing. Errors: kDataLoss
// with the line number for a malformed line (nothing imported, file kept); those of the store;
// kUnavailable when the file cannot be renamed (its corrections are stored all the same).
Result<CorrectionsImport> ImportCorrectionsFile(Store& store, const Taxonomy& taxonomy,
                                                const std::filesystem::path& file);

}  // namespace plume::intent
