// Checksum and format validators for French identifiers, used by the pseudonymiser.
//
// All functions are pure, allocation-light and thread-safe. They take the identifier as written
// (separators such as spaces, dots or dashes are ignored where the format tolerates them) and
// never fail: an input that is not of the expected shape is simply "not valid".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace plume::privacy {

// Keeps ASCII letters (upper-cased) and digits; drops everything else.
std::string CompactAlnum(std::string_view text);

// Luhn check over the digits of `digits` (non-digits make it invalid).
bool LuhnValid(std::string_view digits);

// NIR (numéro de sécurité sociale): 13 characters + 2-digit key, key = 97 - (N mod 97), with
// Corsica departments 2A / 2B counted as 19 / 18. First digit 1, 2 (or 3, 4, 7, 8 for temporary
// numbers). Separators are ignored.
bool IsValidNir(std::string_view text);

// IBAN: country code + 2 check digits + BBAN, length checked against the country's registered
// length when known (FR 27, DE 22, BE 16...; 15..34 otherwise), ISO 13616 mod-97 == 1.
bool IsValidIban(std::string_view text);
// Registered IBAN length for a 2-letter upper-case country code, 0 when unknown.
int IbanLength(std::string_view country);

// SIRET: 14 digits, Luhn; La Poste establishments (SIREN 356000000) use "sum of digits % 5 == 0".
bool IsValidSiret(std::string_view text);
// SIREN: 9 digits, Luhn.
bool IsValidSiren(std::string_view text);

// French phone number as written (+33 / 0033 / 0 prefixes, separators): true when it normalises
// to 0 followed by 9 digits with a first digit 1-9.
bool IsValidFrenchPhone(std::string_view text);

// Anchored shape matchers: the length of the match at the start of `text` of the pattern quoted
// (RE2 syntax, leftmost-first semantics, \d = ASCII digit), 0 when it does not match. Each
// pattern is deterministic (at every byte at most one branch can go on), so a hand scan gives
// exactly RE2's answer without its per-call cost (checked against RE2 in validators_test).
// French phone: (?:00[ .-]?33[ .-]?(?:\(0\)[ .-]?)?|0)[1-9](?:[ .-]?\d{2}){4}
size_t MatchFrenchPhoneShape(std::string_view text);
// NIR: [1-478][ .-]?\d{2}[ .-]?\d{2}[ .-]?(?:\d{2}|2[ABab])[ .-]?\d{3}[ .-]?\d{3}[ .-]?\d{2}
size_t MatchNirShape(std::string_view text);
// SIRET: \d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}
size_t MatchSiretShape(std::string_view text);
// SIREN: \d{3}[ .]?\d{3}[ .]?\d{3}
size_t MatchSirenShape(std::string_view text);
// Numéro fiscal: [0-3]\d(?: ?\d){11}
size_t MatchFiscalShape(std::string_view text);
// Numéro allocataire: \d{7,8}|\d{3} \d{4}
size_t MatchCafNumberShape(std::string_view text);
// Numéro fiscal after a cue: \d(?: ?\d){12}
size_t MatchTaxNumberShape(std::string_view text);

}  // namespace plume::privacy
