// Pseudonymisation of personal data (GDPR) before text leaves for a language model.
//
// Pseudonymizer::Pseudonymize replaces personal data with stable placeholders such as [NOM_1],
// [EMAIL_1], [TEL_2]; Restore puts the real values back into the model's answer.
//
// Detected types (see PiiType): person names (civility cues, signatures, first-name and surname
// lists from resources/privacy/, unknown capitalised words inside sentences, the sender's own
// name, optionally a statistical model; see name_detector.h), e-mail addresses, French and
// international phone numbers, NIR (key checked), IBAN (mod 97 and country length checked), SIRET
// and SIREN (Luhn, La Poste exception), numéro fiscal (13 digits starting 0-3, or any 13 digits
// after a cue such as "fiscal"), numéro allocataire CAF/MSA (after a cue), dates of birth (after
// "né(e) le", "date de naissance"), postal addresses (number + type of way + name, with optional
// postcode and city) and licence plates (AB-123-CD and old 1234 AB 56).
//
// Invalid checksums: a number shaped like a NIR, IBAN, SIRET or SIREN whose key is wrong, and any
// run of 9 or more digits that matches no typed detector, is still masked, as [NUMERO_n], because
// a mistyped identifier is still personal data. It is never labelled with the specific type.
//
// Text in the input that already looks like a placeholder ("[NOM_1]") is itself masked as
// [TEXTE_n], so that Restore cannot confuse it with a real placeholder; Restore gives it back.
//
// Ownership and thread-safety: a Pseudonymizer owns its compiled patterns and word lists. It is
// immutable after Create(); its const methods may be called concurrently from any number of
// threads. Results own their data. No exception escapes this module.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"

namespace plume::privacy {

enum class PiiType {
  kName,
  kEmail,
  kPhone,
  kNir,
  kIban,
  kAddress,
  kBirthDate,
  kTaxNumber,  // numéro fiscal
  kCafNumber,  // numéro allocataire CAF / MSA
  kSiret,
  kSiren,
  kPlate,        // licence plate
  kOtherNumber,  // identifier-like number with a wrong checksum or of unknown kind
  kLiteral,      // text that already looked like a placeholder
};
inline constexpr int kPiiTypeCount = 14;

// Placeholder label: "NOM", "EMAIL", "TEL", "NIR", "IBAN", "ADRESSE", "DATE_NAISSANCE",
// "NUM_FISCAL", "NUM_ALLOCATAIRE", "SIRET", "SIREN", "PLAQUE", "NUMERO", "TEXTE".
std::string_view PlaceholderLabel(PiiType type);
// Stable lower_snake_case name for reports and JSON: "name", "email", "phone", "nir", ...
std::string_view PiiTypeName(PiiType type);
// Inverse of PlaceholderLabel; nullopt when unknown.
std::optional<PiiType> PiiTypeFromLabel(std::string_view label);
// All types, in enum order.
const std::vector<PiiType>& AllPiiTypes();

// A detected span of personal data, as byte offsets [begin, end) into the input.
struct PiiSpan {
  PiiType type;
  size_t begin = 0;
  size_t end = 0;
};

// Where `plume privacy train-names` writes the name model: <data_dir>/models/privacy_names.bin.
std::filesystem::path DefaultNameModelFile(const std::filesystem::path& data_dir);
// DefaultNameModelFile(data_dir) when that file exists, else an empty path (rules only): the
// value for PseudonymizerConfig::name_model_file of a node using its data folder.
std::filesystem::path FindNameModel(const std::filesystem::path& data_dir);

struct PseudonymizerConfig {
  // Folder holding first_names.txt, surnames.txt and ambiguous_names.txt (resources/privacy).
  // Missing files are an error (kNotFound) unless `require_name_lists` is false.
  std::filesystem::path resource_dir;
  bool require_name_lists = true;
  // Optional statistical name model (name_model.h, written by `plume privacy train-names`,
  // normally <data-dir>/models/privacy_names.bin). Empty: person names come from the rules
  // only. Set: the file must load (kNotFound / kDataLoss otherwise).
  std::filesystem::path name_model_file;
  // Probability from which the model adds a word the rules left (chosen on the development half
  // of the NER file: see bench/privacy/ner_eval.cc --tune).
  float name_model_threshold = 0.25f;
  // Spans of the weakest name rule (an unknown capitalised word inside a sentence) are dropped
  // when the model gives none of their words this probability (0: never).
  float name_model_veto = 0.05f;
  // Lower probability from which the model adds a word next to a name ("Jean Vaillant"), listed
  // with one ("Lavergne et Vaillant", "Héraud, Debru") or written like a name found elsewhere in
  // the text; 1: no such pass. Both thresholds were chosen by 4-fold cross-validation inside the
  // development half (ner_eval.cc --cv 4).
  float name_model_join_threshold = 0.05f;
  // Inputs larger than this are rejected with kResourceExhausted.
  size_t max_input_bytes = 16u << 20;
};

// What the caller already knows about the message; used to mask these values wherever they
// appear, whatever their case.
struct PseudonymizeHints {
  std::string sender_name;   // "Jean Dupont": each word of 2+ letters is masked as a name
  std::string sender_email;  // masked as EMAIL even if malformed
};

struct MappingEntry {
  std::string placeholder;  // "[NOM_1]"
  PiiType type;
  std::string original;  // exact text from the input
};

// Placeholder <-> original value for one message. The same original text (same type, same bytes)
// always gets the same placeholder; distinct values get _1, _2... per type, in order of first
// appearance.
struct Mapping {
  std::vector<MappingEntry> entries;
  // Entry for a canonical placeholder ("[NOM_1]"), nullptr when absent.
  const MappingEntry* Find(std::string_view placeholder) const;
};

// One replacement made in the text: span in the input and in the output.
struct Replacement {
  PiiType type;
  size_t begin = 0;  // in the input
  size_t end = 0;
  size_t out_begin = 0;  // in Pseudonymized::text
  size_t out_end = 0;
  std::string placeholder;
};

struct Pseudonymized {
  std::string text;
  Mapping mapping;
  std::vector<Replacement> replacements;  // sorted by position
};

struct Restored {
  std::string text;
  // Placeholder-looking tokens that are not in the mapping, as written by the model; they are
  // left unchanged in `text`.
  std::vector<std::string> unknown_placeholders;
};

class Pseudonymizer {
 public:
  // Loads the word lists and compiles the patterns. Errors: kNotFound / kInvalidArgument for
  // missing or unreadable lists (see PseudonymizerConfig), kInternal if a pattern fails.
  static Result<Pseudonymizer> Create(const PseudonymizerConfig& config);

  Pseudonymizer(Pseudonymizer&&) noexcept;
  Pseudonymizer& operator=(Pseudonymizer&&) noexcept;
  ~Pseudonymizer();

  // Spans of personal data, sorted, non-overlapping. Errors: kInvalidArgument for invalid UTF-8,
  // kResourceExhausted above max_input_bytes. Empty input gives an empty list.
  Result<std::vector<PiiSpan>> Detect(std::string_view text,
                                      const PseudonymizeHints& hints = {}) const;

  // Detect + replace. Same errors as Detect.
  Result<Pseudonymized> Pseudonymize(std::string_view text,
                                     const PseudonymizeHints& hints = {}) const;

 private:
  struct Impl;
  explicit Pseudonymizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Replaces the placeholders of `mapping` in `model_output` by the original values. Tolerates the
// usual model alterations: case ("[nom_1]"), spaces or dashes instead of the underscore
// ("[NOM 1]", "[NOM-1]"), spaces inside the brackets, accents ("[DATE_NAISSANCE_1]" written
// "[date de naissance 1]"). Unknown placeholders are left as-is and reported. Thread-safe.
Restored Restore(std::string_view model_output, const Mapping& mapping);

}  // namespace plume::privacy
