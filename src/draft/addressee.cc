#include "draft/addressee.h"

#include <re2/re2.h>

#include <vector>

#include "util/text.h"

namespace plume::draft {
namespace {

// Civility word, optional initial or first name(s), then the surname (capitalised words).
const RE2& CivilityPattern() {
  static const RE2* re = new RE2(  // never destroyed: used until exit
      R"((?:^|[\s,;:(])(Madame|Monsieur|Mme|Mlle|Mademoiselle|M\.|Mr\.?)[ \t]+)"
      R"((\p{Lu}[\p{L}'’\-]*\.?(?:[ \t]+\p{Lu}[\p{L}'’\-]*\.?)*))");
  return *re;
}

Civility FromWord(std::string_view word) {
  if (word == "Monsieur" || word == "M." || word == "Mr" || word == "Mr.") {
    return Civility::kMonsieur;
  }
  return Civility::kMadame;
}

// "Claire Martin" -> "Martin"; "C. Martin" -> "Martin"; "Jean Le Goff" -> "Le Goff" is not
// distinguishable from a double first name, so the last word is kept unless a particle precedes.
std::string Surname(std::string_view names) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < names.size()) {
    size_t end = names.find(' ', start);
    if (end == std::string_view::npos) end = names.size();
    if (end > start) words.emplace_back(names.substr(start, end - start));
    start = end + 1;
  }
  if (words.empty()) return "";
  std::string last = words.back();
  if (words.size() >= 2) {
    const std::string& before = words[words.size() - 2];
    if (before == "Le" || before == "La" || before == "De" || before == "Du" || before == "Van" ||
        before == "Von" || before == "Da" || before == "Des") {
      return before + " " + last;
    }
  }
  if (last.size() >= 2 && last.back() == '.') return "";  // only an initial
  // "DUPONT" -> "Dupont": an all-caps surname is written in the usual case in a greeting.
  unsigned char lead = static_cast<unsigned char>(last[0]);
  size_t first_len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (first_len > last.size()) return last;
  std::string rest = last.substr(first_len);
  if (util::ToLowerFrench(rest) == rest) return last;  // already "Martin"
  return last.substr(0, first_len) + util::ToLowerFrench(rest);
}

bool Find(std::string_view text, Addressee* out) {
  re2::StringPiece input(text.data(), text.size());
  std::string word, names;
  bool found = false;
  while (RE2::FindAndConsume(&input, CivilityPattern(), &word, &names)) {
    out->civility = FromWord(word);
    out->surname = Surname(util::NormalizeSpace(names));
    found = true;  // keep the last one: a signature comes after salutations in the body
  }
  return found;
}

}  // namespace

std::string Addressee::Appellation() const {
  if (civility == Civility::kUnknown) return "";
  std::string out = civility == Civility::kMadame ? "Madame" : "Monsieur";
  if (!surname.empty()) out += " " + surname;
  return out;
}

std::string Addressee::ClosingCivility() const {
  switch (civility) {
    case Civility::kMadame:
      return "Madame";
    case Civility::kMonsieur:
      return "Monsieur";
    case Civility::kUnknown:
      break;
  }
  return "Madame, Monsieur";
}

Addressee DetectAddressee(std::string_view sender_name, std::string_view body) {
  Addressee a;
  std::string padded = " " + std::string(sender_name);
  if (Find(padded, &a)) return a;
  // The signature: the last few lines of the body. Salutations addressed to the administration
  // ("Madame, Monsieur,") have no capitalised name after them and do not match.
  size_t cut = body.size();
  for (int lines = 0; lines < 4 && cut > 0; ++lines) {
    size_t nl = body.rfind('\n', cut - 1);
    if (nl == std::string_view::npos) {
      cut = 0;
      break;
    }
    cut = nl;
  }
  std::string tail = " " + std::string(body.substr(cut));
  Find(tail, &a);
  return a;
}

}  // namespace plume::draft
