// Precision / recall of the pseudonymiser on labelled data.
//
// Synthetic set (GenerateSyntheticSet): entity level. A gold span counts as found when the
// predicted spans of the same type cover all its non-space bytes; a predicted span is correct when
// it overlaps a gold span of its type. `leaked` counts gold spans (any type) not fully covered by
// predictions of any type: personal data that would have reached the model.
//
// NER set (Europeana Newspapers, one "token TAG" per line, IO tags): person names (I-PER) at token
// level: a token is predicted as a name when a predicted kName span overlaps it. Tokens without a
// letter are ignored. Entity-level recall (every token of the entity covered) is also given.
// Predictions of other types on this corpus have no gold labels and are only counted.
//
// Thread-safety: stateless functions.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "plume/status.h"
#include "privacy/pseudonymizer.h"
#include "privacy/synthetic.h"

namespace plume::privacy {

struct TypeScores {
  long gold = 0;       // gold units
  long found = 0;      // gold units recognised
  long predicted = 0;  // predicted units
  long correct = 0;    // predicted units that match gold
  double Precision() const { return predicted == 0 ? 1.0 : double(correct) / double(predicted); }
  double Recall() const { return gold == 0 ? 1.0 : double(found) / double(gold); }
  double F1() const {
    double p = Precision();
    double r = Recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }
};

struct EvalReport {
  std::string dataset;  // "synthetic" or "ner-europeana-fr"
  std::string unit;     // "entity" or "token"
  long documents = 0;
  long bytes = 0;
  std::array<TypeScores, kPiiTypeCount> by_type{};
  long leaked = 0;                // synthetic: gold spans not fully masked
  long gold_spans = 0;            // synthetic: all gold spans
  long ner_entities = 0;          // NER: PER entities
  long ner_entities_covered = 0;  // NER: entities with every token predicted
  double seconds = 0;             // wall time spent in Detect()

  // Structured types only (everything but names, other numbers and literals), micro-averaged.
  TypeScores Structured() const;
  // Plain-text table, one row per type with data.
  std::string FormatTable() const;
};

// Runs Detect() on each message and scores it. Errors: those of Detect().
Result<EvalReport> EvaluateSynthetic(const Pseudonymizer& p,
                                     const std::vector<LabelledMessage>& messages);

// Reads the BIO/IO file and scores names. Errors: kNotFound / kInvalidArgument for the file,
// those of Detect().
Result<EvalReport> EvaluateNer(const Pseudonymizer& p, const std::filesystem::path& bio_file);

// Parses a "token TAG" file into tokens and tags (for tests). Errors: as ReadFile, kInvalidArgument
// on malformed lines or invalid UTF-8.
struct NerToken {
  std::string text;
  bool person = false;
};
Result<std::vector<NerToken>> ReadNerFile(const std::filesystem::path& bio_file);

// Same scoring on tokens [first, last) of an already parsed file. When `predicted` is not null it
// receives, for each token of the range, 1 when a name span covered it.
Result<EvalReport> EvaluateNerTokens(const Pseudonymizer& p, const std::vector<NerToken>& tokens,
                                     size_t first, size_t last,
                                     std::vector<char>* predicted = nullptr);

// Dev/test split used to tune the name detector: tokens [0, split) are the development half,
// [split, end) the held-out test half. `split` is the first token after the first "." at or after
// the middle of the file.
size_t NerSplitPoint(const std::vector<NerToken>& tokens);

// Joins tokens into readable text (no space before closing punctuation, none after apostrophes),
// recording each token's byte span in `spans`.
std::string JoinNerTokens(const std::vector<NerToken>& tokens, size_t begin, size_t end,
                          std::vector<std::pair<size_t, size_t>>* spans);

}  // namespace plume::privacy
