// Synthetic, labelled French citizen messages for evaluating the pseudonymiser.
//
// Messages are built from hand-written templates (requests to a CAF, a mairie, the tax office...)
// filled with generated personal data in varied written formats: NIR with valid keys (including
// Corsica), IBAN (FR and foreign) with valid mod-97 keys, SIRET/SIREN with valid Luhn keys,
// French phone numbers in all usual spellings, e-mails, addresses, plates, dates of birth,
// numéros fiscaux and allocataires, and person names in civility, signature and plain contexts.
// Each message also carries distractors that must not be masked (amounts, ordinary dates, file
// references, law articles) and invalid identifiers that must not get the specific type.
// Name spans exclude civility words ("M. [Dupont]"), as in the NER corpus.
//
// Deterministic: the same seed gives byte-identical messages on every platform. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "privacy/pseudonymizer.h"

namespace plume::privacy {

struct LabelledMessage {
  std::string text;
  std::vector<PiiSpan> spans;  // gold spans, sorted, non-overlapping
};

std::vector<LabelledMessage> GenerateSyntheticSet(uint32_t seed, int count);

}  // namespace plume::privacy
