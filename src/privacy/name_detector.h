// Person-name detection for the pseudonymiser (internal to the privacy module).
//
// Heuristics, applied on word tokens: civility and title cues (M., Mme, Madame, Dr, général...)
// followed by capitalised words; "Nom :" / "Prénom :" fields; signatures after a closing formula
// ("Cordialement,\nJean Dupont"); given names from a list, with the capitalised or upper-case
// words around them; frequent surnames from a list; initials ("J. Dupont"); and the sender's own
// name (any case). Words that are both names and ordinary words (Pierre, Rose, France) are only
// masked with supporting context.
//
// Thread-safety: immutable after Create(); Detect() may be called concurrently.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"
#include "privacy/pseudonymizer.h"

namespace plume::privacy {

class NameDetector {
 public:
  // Reads first_names.txt, surnames.txt and ambiguous_names.txt from `dir`. When `require` is
  // false, missing files give empty lists. Errors: kNotFound, kInvalidArgument (bad UTF-8).
  static Result<NameDetector> Create(const std::filesystem::path& dir, bool require);

  NameDetector(NameDetector&&) noexcept;
  NameDetector& operator=(NameDetector&&) noexcept;
  ~NameDetector();

  // Appends kName spans (byte offsets into `text`, which must be valid UTF-8) to `out`.
  void Detect(std::string_view text, const PseudonymizeHints& hints,
              std::vector<PiiSpan>* out) const;

  size_t first_name_count() const;

 private:
  struct Lists;
  explicit NameDetector(std::unique_ptr<Lists> lists);
  std::unique_ptr<Lists> lists_;
};

}  // namespace plume::privacy
