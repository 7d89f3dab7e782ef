#include "eval/draft_eval.h"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "draft/grounding_guard.h"
#include "eval/retrieval_eval.h"
#include "eval/text_similarity.h"
#include "kb/parsers.h"
#include "util/files.h"

namespace plume::eval {

std::vector<std::string> FindArticles(std::string_view text) {
  static const RE2* re =  // never destroyed: used until exit
      new RE2(R"(\b([LRD])\s?\.?\s?(\d{3,4})\s?-\s?(\d{1,3}(?:-\d{1,3})?)\b)");
  std::vector<std::string> out;
  re2::StringPiece input(text.data(), text.size());
  std::string kind, a, b;
  std::set<std::string> seen;
  while (RE2::FindAndConsume(&input, *re, &kind, &a, &b)) {
    std::string id = kind + a + "-" + b;
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

Result<std::vector<FaqItem>> LoadFaq(const std::filesystem::path& file) {
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    return InvalidArgument(file.string() + " : tableau JSON attendu");
  }
  std::vector<FaqItem> items;
  for (size_t i = 0; i < j.size(); ++i) {
    const auto& e = j[i];
    if (!e.is_object() || !e.contains("question") || !e["question"].is_string() ||
        !e.contains("reponse") || !e["reponse"].is_string()) {
      return InvalidArgument(file.string() + " : entrée " + std::to_string(i) +
                             " sans « question » ou « reponse »");
    }
    FaqItem item;
    item.question = e["question"].get<std::string>();
    std::string html = e["reponse"].get<std::string>();
    item.answer = kb::HtmlToText(html, nullptr);
    item.theme = e.value("theme", "");
    item.articles = FindArticles(item.answer);
    items.push_back(std::move(item));
  }
  return items;
}

DraftEvalReport EvaluateDrafts(Drafter& drafter, Store& store, const std::vector<FaqItem>& items,
                               const std::string& engine) {
  DraftEvalReport r;
  r.engine = engine;
  r.questions = static_cast<int>(items.size());
  std::vector<double> latencies;
  for (size_t i = 0; i < items.size(); ++i) {
    const FaqItem& item = items[i];
    DraftRequest req;
    req.message.service = "evaluation";
    req.message.body = item.question;
    req.engine = engine;
    auto start = std::chrono::steady_clock::now();
    Result<Draft> d = drafter.Generate(req);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!d.ok()) {
      r.failures.push_back("question " + std::to_string(i) + " : " + d.status().ToString());
      continue;
    }
    latencies.push_back(ms);
    ++r.drafted;
    if (d->engine != engine) ++r.fallbacks;
    r.rouge_l += RougeL(d->text, item.answer);
    r.chrf += ChrF(d->text, item.answer);

    draft::AllowedValues allowed;
    allowed.AddText(item.question);
    std::string cited_text;
    for (const auto& s : d->sources) {
      auto doc = store.GetDocument(s.document_id);
      if (!doc.ok()) continue;
      allowed.AddDocument(*doc);
      cited_text += doc->FullText();
      for (const auto& l : doc->links) cited_text += "\n" + l.title + " " + l.ref;
    }
    if (!d->sources.empty()) ++r.with_sources;
    if (!item.articles.empty()) {
      ++r.with_known_articles;
      std::vector<std::string> in_sources = FindArticles(cited_text);
      std::set<std::string> have(in_sources.begin(), in_sources.end());
      bool match = std::any_of(item.articles.begin(), item.articles.end(),
                               [&](const std::string& a) { return have.count(a) > 0; });
      r.citing_an_article_source += match;
    }
    for (const auto& u : draft::FindUrls(d->text)) {
      ++r.urls;
      r.invented_urls += !allowed.HasUrl(u);
    }
    for (const auto& p : draft::FindPhones(d->text)) {
      ++r.phones;
      r.invented_phones += !allowed.HasPhone(p);
    }
    for (const auto& e : draft::FindEmails(d->text)) {
      ++r.emails;
      r.invented_emails += !allowed.HasEmail(e);
    }
    for (const auto& w : d->warnings) r.masked_by_guard += w.find(", absent") != std::string::npos;
  }
  if (r.drafted > 0) {
    r.rouge_l /= r.drafted;
    r.chrf /= r.drafted;
  }
  r.p50_ms = Percentile(latencies, 50);
  r.p99_ms = Percentile(latencies, 99);
  r.max_ms = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
  return r;
}

}  // namespace plume::eval
