// Draft quality evaluation against official answers (`plume eval drafts`).
//
// Data: ../shared/data/faq-code-du-travail/faq.json, the Ministry of Labour's citizen questions
// with official HTML answers. Each question is drafted as a citizen message; the draft is
// compared with the official answer (ROUGE-L, chrF), its sources with the Code du travail
// articles the official answer relies on (an answer citing "article L.1221-19" is matched when a
// cited fiche mentions L1221-19), and its links, phones and e-mails with the cited fiches, the
// message and the agency profile (what remains unknown is counted as invented).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plume/drafter.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::eval {

struct FaqItem {
  std::string question;
  std::string answer;  // plain text
  std::string theme;
  std::vector<std::string>
      articles;  // normalised Code du travail ids cited by the answer: "L1221-19"
};

// Errors: those of util::ReadFile; kInvalidArgument for malformed JSON or missing fields.
Result<std::vector<FaqItem>> LoadFaq(const std::filesystem::path& file);

// "article L.1221-19", "L 3141-3", "R. 1234-9" -> {"L1221-19", "L3141-3", "R1234-9"}.
std::vector<std::string> FindArticles(std::string_view text);

struct DraftEvalReport {
  std::string engine;
  int questions = 0;
  int drafted = 0;     // drafts produced (failures are counted, not scored)
  int fallbacks = 0;   // generative requests answered by the embedded engine
  double rouge_l = 0;  // means over drafted questions
  double chrf = 0;
  int with_known_articles = 0;       // official answers citing at least one article
  int citing_an_article_source = 0;  // of those: a cited fiche mentions one of the articles
  int with_sources = 0;
  int urls = 0, phones = 0, emails = 0;                             // in final drafts
  int invented_urls = 0, invented_phones = 0, invented_emails = 0;  // not in allowed values
  int masked_by_guard = 0;                    // values the guard removed (warnings)
  double p50_ms = 0, p99_ms = 0, max_ms = 0;  // wall-clock draft latency
  std::vector<std::string> failures;          // "question 12: <status>"
};

// Drafts every item with `engine` through `drafter`; reads cited documents from `store`.
DraftEvalReport EvaluateDrafts(Drafter& drafter, Store& store, const std::vector<FaqItem>& items,
                               const std::string& engine);

}  // namespace plume::eval
