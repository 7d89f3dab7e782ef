// Text analysis shared by indexing and querying, so both see the same terms.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "plume/status.h"

namespace Xapian {
class Stopper;
}

namespace plume::retrieval {

// Prepares French text for Xapian's term generator: lower-cases, folds accents (citizens often
// type "identite" for "identité") and splits elisions ("d'identité" -> "d identite").
std::string NormalizeForIndex(std::string_view text);

// French stop words (already normalised like NormalizeForIndex).
class StopWords {
 public:
  // Reads one word per line; '#' starts a comment. Errors: those of util::ReadFile.
  static Result<StopWords> Load(const std::filesystem::path& file);
  bool Contains(const std::string& word) const { return words_.count(word) > 0; }
  const std::unordered_set<std::string>& words() const { return words_; }

 private:
  std::unordered_set<std::string> words_;
};

// Stemmed French terms of `text` in order (duplicates kept): NormalizeForIndex, split on
// anything but letters and digits, stop words and one-letter words dropped, Snowball French stem.
// Used to score sentences against a message the way the index scores documents. Thread-safe.
std::vector<std::string> StemmedTerms(std::string_view text, const StopWords& stop_words);

// Xapian stopper over `stop_words`, which must outlive it (used by the indexer and the query
// parser, so both drop the same words). Defined in xapian_index.cc.
std::unique_ptr<Xapian::Stopper> MakeXapianStopper(const StopWords& stop_words);

// <resource_dir>/stopwords/french.txt
std::filesystem::path StopWordsPath(const std::filesystem::path& resource_dir);

}  // namespace plume::retrieval
