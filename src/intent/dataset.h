// Labelled messages for training and evaluating intent classifiers, and the held-out split.
//
// Sources: CDTN query clusters (every variant of a cluster, labelled through the taxonomy by the
// cluster theme), service-public.fr "Question-réponse" fiche titles (labelled by breadcrumb level
// 1), and agents' corrections (corrections.h). The split is by group, never by example: all
// variants of one CDTN cluster, or all audience copies of one fiche, land in the same split.
//
// Thread-safety: free functions over values; no shared state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "intent/taxonomy.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::intent {

struct LabeledExample {
  std::string text;      // as written (not normalised)
  std::string label;     // taxonomy id
  std::string group;     // split unit: "cdtn:<cluster id>", "fiche:F1234", "correction:<hash>"
  std::string origin;    // "cdtn", "fiche-qr", "correction"
  std::string fiche_id;  // source fiche for "fiche-qr" (the BM25 baseline must not retrieve it)
};

enum class Split { kTrain, kDev, kTest };
std::string_view ToString(Split s);
bool ParseSplit(std::string_view text, Split* out);

// Deterministic split of a group: BLAKE2b(group) first 32 bits mod 10: 0-6 train, 7 dev, 8-9 test.
Split SplitOf(std::string_view group);

// Text as fed to fastText: lower case, accents folded, elisions split, every character other
// than a-z 0-9 turned into a space, spaces collapsed. Empty when the text has no letter/digit.
std::string NormalizeForIntent(std::string_view text);

struct DatasetStats {
  int64_t cdtn_clusters = 0;
  int64_t cdtn_variants = 0;
  int64_t fiches = 0;  // distinct Question-réponse fiche ids kept
  int64_t corrections = 0;
  int64_t duplicates_dropped = 0;  // same normalised text seen earlier (first one kept)
  int64_t unlabeled_dropped = 0;   // no taxonomy rule matched
};

struct Dataset {
  std::vector<LabeledExample> examples;
  DatasetStats stats;
  std::string hash;  // ContentHash of every example (text, label, group), in order
};

// Reads a CDTN query file (array of {id, theme, variants[]}). Errors: those of util::ReadFile;
// kInvalidArgument when the JSON does not have that shape.
Result<std::vector<LabeledExample>> LoadCdtnExamples(const std::filesystem::path& file,
                                                     const Taxonomy& taxonomy, DatasetStats* stats);

// Titles of active "Fiche Question-réponse" documents (type starting with that), one example per
// fiche id: the particuliers copy is preferred, then professionnels, then associations.
Result<std::vector<LabeledExample>> LoadFicheExamples(Store& store, const Taxonomy& taxonomy,
                                                      DatasetStats* stats);

// Concatenates sources in order, drops duplicate normalised texts and computes the hash.
Dataset MergeExamples(std::vector<std::vector<LabeledExample>> sources, DatasetStats stats);

// Examples of `split`. Corrections always belong to kTrain, whatever their group hash.
std::vector<LabeledExample> SelectSplit(const std::vector<LabeledExample>& examples, Split split);

}  // namespace plume::intent
