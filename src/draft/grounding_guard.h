// Grounding guard: makes sure a draft gives no link, phone number or e-mail address that does not
// come from its cited sources, the citizen's own message or the agency's configuration.
//
// Every URL, phone number and e-mail address found in a draft is compared (after normalisation:
// URL scheme, "www." and trailing slash ignored; phone digits with +33 folded to 0; e-mail case
// ignored) with the allowed set. One that is not allowed is replaced by a visible marker
// ("[lien à vérifier]", "[téléphone à vérifier]", "[adresse électronique à vérifier]") and a
// French warning naming it is raised, so the agent sees what the engine tried to write.
// Amounts in euros that appear in no source raise a warning but are left in place.
//
// Thread-safety: all functions may run concurrently (patterns are compiled once, immutable).
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "plume/knowledge.h"

namespace plume::draft {

// Values a draft may contain. Add() extracts and normalises them from free text.
class AllowedValues {
 public:
  void AddUrl(std::string_view url);
  void AddPhone(std::string_view phone);
  void AddEmail(std::string_view email);
  // Document URL, link URLs and every URL, phone, e-mail and amount in the document's text.
  void AddDocument(const KnowledgeDocument& doc);
  // Every URL, phone, e-mail and amount in `text` (the citizen's message, agency texts).
  void AddText(std::string_view text);

  bool HasUrl(std::string_view url) const;
  bool HasPhone(std::string_view phone) const;
  bool HasEmail(std::string_view email) const;
  bool HasAmount(std::string_view amount) const;

 private:
  std::unordered_set<std::string> urls_, phones_, emails_, amounts_;
};

struct GuardReport {
  std::string text;  // the draft with ungrounded values masked
  int masked_urls = 0;
  int masked_phones = 0;
  int masked_emails = 0;
  int ungrounded_amounts = 0;
  std::vector<std::string> warnings;  // French, one per masked value or unknown amount

  int masked_total() const { return masked_urls + masked_phones + masked_emails; }
};

// Normalised forms, exposed for tests and for the evaluation's invented-value count.
std::string NormalizeUrl(std::string_view url);
std::string NormalizePhone(std::string_view phone);
std::string NormalizeAmount(std::string_view amount);

// Masks what `allowed` does not contain. `draft` must be valid UTF-8.
GuardReport CheckGrounding(std::string_view draft, const AllowedValues& allowed);

// URLs, phones, e-mails and euro amounts found in `text`, as written (for evaluation).
std::vector<std::string> FindUrls(std::string_view text);
std::vector<std::string> FindPhones(std::string_view text);
std::vector<std::string> FindEmails(std::string_view text);
std::vector<std::string> FindAmounts(std::string_view text);

}  // namespace plume::draft
