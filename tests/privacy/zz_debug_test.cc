#include <gtest/gtest.h>
#include <iostream>
#include "privacy/evaluation.h"
#include "testing/test_util.h"
namespace plume::privacy {
TEST(ZzDebug, Misses) {
  PseudonymizerConfig config;
  config.resource_dir = plume::testing::ResourceDir() / "privacy";
  auto p = Pseudonymizer::Create(config);
  for (const auto& m : GenerateSyntheticSet(20240501, 400)) {
    auto pred = p->Detect(m.text).value();
    for (const auto& g : m.spans) {
      bool ok = false;
      for (const auto& q : pred) if (q.type == g.type && q.begin <= g.begin && q.end >= g.end) ok = true;
      if (!ok) {
        std::cout << "MISS " << PiiTypeName(g.type) << " [" << m.text.substr(g.begin, g.end - g.begin) << "] ctx: "
                  << m.text.substr(g.begin > 40 ? g.begin - 40 : 0, 100) << "\n   preds:";
        for (const auto& q : pred) if (q.end > g.begin && q.begin < g.end) std::cout << " " << PiiTypeName(q.type) << "[" << m.text.substr(q.begin, q.end-q.begin) << "]";
        std::cout << "\n";
      }
    }
  }
}
}
namespace plume::privacy {
TEST(ZzDebug, NerMisses) {
  PseudonymizerConfig config;
  config.resource_dir = plume::testing::ResourceDir() / "privacy";
  auto p = Pseudonymizer::Create(config);
  auto toks = ReadNerFile(plume::testing::SharedDataDir() / "ner-europeana-fr" / "enp_FR.bnf.bio").value();
  std::vector<std::pair<size_t,size_t>> spans;
  size_t begin = 0;
  while (begin < toks.size()) {
    size_t end = std::min(toks.size(), begin + 300);
    while (end < toks.size() && end < begin + 600 && toks[end - 1].text != ".") ++end;
    std::string text = JoinNerTokens(toks, begin, end, &spans);
    auto pred = p->Detect(text).value();
    std::vector<char> on(end-begin,0);
    for (auto& s: pred) if (s.type==PiiType::kName) for (size_t j=0;j<spans.size();++j) if (spans[j].first < s.end && spans[j].second > s.begin) on[j]=1;
    for (size_t j=0;j<on.size();++j) {
      bool per = toks[begin+j].person;
      if (per != (bool)on[j] && (std::getenv("FP") ? !per : per)) {
        std::cout << (per ? "FN " : "FP ") << toks[begin+j].text << " | ";
        for (size_t q = j>6?j-6:0; q<std::min(on.size(), j+4); ++q) std::cout << toks[begin+q].text << (toks[begin+q].person?"/P":"") << (on[q]?"*":"") << " ";
        std::cout << "\n";
      }
    }
    begin = end;
  }
}
}
