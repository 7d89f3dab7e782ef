#include "draft/grounding_guard.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "util/text.h"

namespace plume::draft {
namespace {

struct Patterns {
  // http(s) or www. links up to white space or a closing delimiter.
  RE2 url{R"((?i)((?:https?://|www\.)[^\s<>"'()\[\]{}]+))"};
  RE2 email{R"(([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}))"};
  // French numbers: 0X XX XX XX XX, +33 X XX XX XX XX, 0033..., with spaces, dots or dashes.
  RE2 phone{R"(((?:\+33\s?(?:\(0\)\s?)?|0033\s?|\b0)[1-9](?:[\s.\-]?\d{2}){4})\b)"};
  // Short service numbers ("le 39 39", "3949") only after a calling cue.
  RE2 short_phone{
      R"((?i)(?:appel\w*|t[ée]l[ée]phon\w*|t[ée]l\.?|num[ée]ro|composez|composer|joindre)\s+(?:au\s+|le\s+|:\s*)?(3\d\s?\d{2})\b)"};
  RE2 amount{R"(((?:\d{1,3}(?:[ \x{00A0}\x{202F}.]\d{3})+|\d+)(?:,\d{1,2})?\s?(?:€|euros?\b)))"};
};

const Patterns& GetPatterns() {
  static const Patterns* patterns = new Patterns();  // never destroyed: used until exit
  return *patterns;
}

struct Match {
  size_t begin;
  size_t end;
  std::string value;
};

std::vector<Match> FindAll(const RE2& re, std::string_view text) {
  std::vector<Match> out;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece group;
  while (RE2::FindAndConsume(&input, re, &group)) {
    size_t begin = static_cast<size_t>(group.data() - text.data());
    out.push_back({begin, begin + group.size(), std::string(group.data(), group.size())});
    if (group.empty() && !input.empty()) input.remove_prefix(1);
  }
  return out;
}

// Trailing sentence punctuation is not part of a link ("voir https://x.fr/a.").
std::string_view TrimUrl(std::string_view url) {
  while (!url.empty() && std::string_view(".,;:!?»").find(url.back()) != std::string_view::npos) {
    url.remove_suffix(1);
  }
  return url;
}

std::vector<std::string> Values(const std::vector<Match>& matches) {
  std::vector<std::string> out;
  out.reserve(matches.size());
  for (const auto& m : matches) out.push_back(m.value);
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string NormalizeUrl(std::string_view url) {
  std::string u = Lower(TrimUrl(url));
  for (std::string_view prefix : {"https://", "http://"}) {
    if (u.rfind(prefix, 0) == 0) u.erase(0, prefix.size());
  }
  if (u.rfind("www.", 0) == 0) u.erase(0, 4);
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

std::string NormalizePhone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (phone.find('+') != std::string_view::npos && digits.rfind("33", 0) == 0) {
    digits = "0" + digits.substr(2);
  } else if (digits.rfind("0033", 0) == 0) {
    digits = "0" + digits.substr(4);
  }
  // "+33 (0)1 ..." leaves a doubled zero.
  if (digits.size() == 11 && digits.rfind("00", 0) == 0) digits.erase(0, 1);
  return digits;
}

std::string NormalizeAmount(std::string_view amount) {
  std::string out;
  for (char c : amount) {
    if ((c >= '0' && c <= '9') || c == ',') out += c;
  }
  if (out.size() > 3 && out.compare(out.size() - 3, 3, ",00") == 0) out.resize(out.size() - 3);
  return out;
}

void AllowedValues::AddUrl(std::string_view url) {
  if (!url.empty()) urls_.insert(NormalizeUrl(url));
}
void AllowedValues::AddPhone(std::string_view phone) { phones_.insert(NormalizePhone(phone)); }
void AllowedValues::AddEmail(std::string_view email) { emails_.insert(Lower(email)); }

void AllowedValues::AddText(std::string_view text) {
  const Patterns& p = GetPatterns();
  for (const auto& m : FindAll(p.url, text)) AddUrl(m.value);
  for (const auto& m : FindAll(p.email, text)) AddEmail(m.value);
  for (const auto& m : FindAll(p.phone, text)) AddPhone(m.value);
  for (const auto& m : FindAll(p.short_phone, text)) AddPhone(m.value);
  for (const auto& m : FindAll(p.amount, text)) amounts_.insert(NormalizeAmount(m.value));
}

void AllowedValues::AddDocument(const KnowledgeDocument& doc) {
  AddUrl(doc.url);
  for (const auto& link : doc.links) {
    AddUrl(link.url);
    AddText(link.note);
    AddText(link.title);
  }
  AddText(doc.FullText());
}

bool AllowedValues::HasUrl(std::string_view url) const {
  return urls_.count(NormalizeUrl(url)) > 0;
}
bool AllowedValues::HasPhone(std::string_view phone) const {
  return phones_.count(NormalizePhone(phone)) > 0;
}
bool AllowedValues::HasEmail(std::string_view email) const {
  return emails_.count(Lower(email)) > 0;
}
bool AllowedValues::HasAmount(std::string_view amount) const {
  return amounts_.count(NormalizeAmount(amount)) > 0;
}

GuardReport CheckGrounding(std::string_view draft, const AllowedValues& allowed) {
  const Patterns& p = GetPatterns();
  struct Masked {
    Match match;
    std::string marker;
  };
  std::vector<Masked> masked;
  std::vector<Match> taken;  // links and addresses, allowed or not: no phone or amount inside
  GuardReport report;
  auto overlaps = [&](const Match& m) {
    return std::any_of(taken.begin(), taken.end(),
                       [&](const Match& x) { return m.begin < x.end && x.begin < m.end; });
  };
  for (auto m : FindAll(p.url, draft)) {
    std::string_view trimmed = TrimUrl(m.value);
    m.end = m.begin + trimmed.size();
    m.value = std::string(trimmed);
    taken.push_back(m);
    if (allowed.HasUrl(m.value)) continue;
    ++report.masked_urls;
    report.warnings.push_back("Lien retiré, absent des sources citées : " + m.value);
    masked.push_back({m, "[lien à vérifier]"});
  }
  for (const auto& m : FindAll(p.email, draft)) {
    if (overlaps(m)) continue;
    taken.push_back(m);
    if (allowed.HasEmail(m.value)) continue;
    ++report.masked_emails;
    report.warnings.push_back("Adresse électronique retirée, absente des sources citées : " +
                              m.value);
    masked.push_back({m, "[adresse électronique à vérifier]"});
  }
  std::vector<Match> phones = FindAll(p.phone, draft);
  for (const auto& m : FindAll(p.short_phone, draft)) phones.push_back(m);
  for (const auto& m : phones) {
    if (overlaps(m)) continue;
    taken.push_back(m);
    if (allowed.HasPhone(m.value)) continue;
    ++report.masked_phones;
    report.warnings.push_back("Numéro de téléphone retiré, absent des sources citées : " + m.value);
    masked.push_back({m, "[téléphone à vérifier]"});
  }
  for (const auto& m : FindAll(p.amount, draft)) {
    if (overlaps(m) || allowed.HasAmount(m.value)) continue;
    ++report.ungrounded_amounts;
    report.warnings.push_back("Montant absent des sources citées, à vérifier : " + m.value);
  }
  std::sort(masked.begin(), masked.end(),
            [](const Masked& a, const Masked& b) { return a.match.begin < b.match.begin; });
  size_t pos = 0;
  for (const auto& x : masked) {
    report.text.append(draft.substr(pos, x.match.begin - pos));
    report.text += x.marker;
    pos = x.match.end;
  }
  report.text.append(draft.substr(pos));
  return report;
}

std::vector<std::string> FindUrls(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& m : FindAll(GetPatterns().url, text)) out.emplace_back(TrimUrl(m.value));
  return out;
}
std::vector<std::string> FindPhones(std::string_view text) {
  auto out = Values(FindAll(GetPatterns().phone, text));
  for (auto& v : Values(FindAll(GetPatterns().short_phone, text))) out.push_back(std::move(v));
  return out;
}
std::vector<std::string> FindEmails(std::string_view text) {
  return Values(FindAll(GetPatterns().email, text));
}
std::vector<std::string> FindAmounts(std::string_view text) {
  return Values(FindAll(GetPatterns().amount, text));
}

}  // namespace plume::draft
