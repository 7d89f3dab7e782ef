#include "eval/text_similarity.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "util/text.h"

namespace plume::eval {
namespace {

std::vector<std::string> Words(std::string_view text) {
  std::string folded = util::FoldAccents(util::ToLowerFrench(text));
  std::vector<std::string> words;
  std::string w;
  for (char c : folded) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80) {
      w += c;
    } else if (!w.empty()) {
      words.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

size_t Lcs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<size_t> row(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = 0;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = a[i - 1] == b[j - 1] ? diagonal + 1 : std::max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

double RougeL(std::string_view candidate, std::string_view reference) {
  std::vector<std::string> c = Words(candidate), r = Words(reference);
  if (c.empty() || r.empty()) return 0;
  double lcs = static_cast<double>(Lcs(c, r));
  if (lcs == 0) return 0;
  double p = lcs / static_cast<double>(c.size());
  double rec = lcs / static_cast<double>(r.size());
  return 2 * p * rec / (p + rec);
}

double ChrF(std::string_view candidate, std::string_view reference) {
  auto chars = [](std::string_view text) {
    std::u32string all = util::DecodeCodePoints(util::ToLowerFrench(text));
    std::u32string out;
    for (char32_t c : all) {
      if (c != U' ' && c != U'\n' && c != U'\t' && c != U'\r' && c != 0xA0) out.push_back(c);
    }
    return out;
  };
  std::u32string c = chars(candidate), r = chars(reference);
  if (c.empty() || r.empty()) return 0;
  constexpr int kMaxN = 6;
  constexpr double kBeta2 = 4.0;
  double precision_sum = 0, recall_sum = 0;
  int orders = 0;
  for (int n = 1; n <= kMaxN; ++n) {
    if (c.size() < static_cast<size_t>(n) || r.size() < static_cast<size_t>(n)) break;
    std::map<std::u32string, int> cg, rg;
    for (size_t i = 0; i + n <= c.size(); ++i) ++cg[c.substr(i, n)];
    for (size_t i = 0; i + n <= r.size(); ++i) ++rg[r.substr(i, n)];
    double match = 0;
    for (const auto& [g, count] : cg) {
      auto it = rg.find(g);
      if (it != rg.end()) match += std::min(count, it->second);
    }
    precision_sum += match / static_cast<double>(c.size() - n + 1);
    recall_sum += match / static_cast<double>(r.size() - n + 1);
    ++orders;
  }
  if (orders == 0) return 0;
  double p = precision_sum / orders, rec = recall_sum / orders;
  if (p + rec == 0) return 0;
  return (1 + kBeta2) * p * rec / (kBeta2 * p + rec);
}

}  // namespace plume::eval
