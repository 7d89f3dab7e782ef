// Who the reply addresses: civility and surname, read from what the citizen gave.
#pragma once

#include <string>
#include <string_view>

namespace plume::draft {

enum class Civility { kUnknown, kMadame, kMonsieur };

struct Addressee {
  Civility civility = Civility::kUnknown;
  std::string surname;  // empty when unknown; as written ("Martin", "Le Goff")

  // "Madame Martin", "Monsieur", or empty when the civility is unknown (no name without one).
  std::string Appellation() const;
  // "Madame", "Monsieur" or "Madame, Monsieur" for the closing formula.
  std::string ClosingCivility() const;
};

// Reads the civility and surname from the sender's name ("Mme Claire Martin", "M. DUPONT",
// "Monsieur Jean Le Goff") and, failing that, from the signature in the last lines of the body
// ("Madame Martin", "Mme C. Martin"). Text without a civility cue gives kUnknown: the reply then
// uses "Madame, Monsieur". Inputs must be valid UTF-8. Thread-safe.
Addressee DetectAddressee(std::string_view sender_name, std::string_view body);

}  // namespace plume::draft
