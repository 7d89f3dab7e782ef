#include "retrieval/analyzer.h"

#include <xapian.h>

#include "util/files.h"
#include "util/text.h"

namespace plume::retrieval {

std::string NormalizeForIndex(std::string_view text) {
  std::string folded = util::FoldAccents(util::ToLowerFrench(text));
  std::string out;
  out.reserve(folded.size());
  for (size_t i = 0; i < folded.size(); ++i) {
    char c = folded[i];
    if (c == '\'') {
      out += ' ';
    } else if (c == '\xE2' && i + 2 < folded.size() && folded[i + 1] == '\x80' &&
               (folded[i + 2] == '\x99' || folded[i + 2] == '\x98')) {
      out += ' ';  // U+2019 / U+2018 typographic apostrophes
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Result<StopWords> StopWords::Load(const std::filesystem::path& file) {
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
  StopWords sw;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line = util::Trim(std::string_view(text).substr(start, nl - start));
    if (!line.empty() && line[0] != '#') sw.words_.insert(NormalizeForIndex(line));
    start = nl + 1;
  }
  if (sw.words_.empty()) return InvalidArgument("no stop word in " + file.string());
  return sw;
}

std::filesystem::path StopWordsPath(const std::filesystem::path& resource_dir) {
  return resource_dir / "stopwords" / "french.txt";
}

std::vector<std::string> StemmedTerms(std::string_view text, const StopWords& stop_words) {
  Xapian::Stem stem("french");  // one per call: a Stem is not safe to share between threads
  std::string normalized = NormalizeForIndex(text);
  std::vector<std::string> terms;
  std::string word;
  auto flush = [&] {
    if (word.size() > 1 && !stop_words.Contains(word)) terms.push_back(stem(word));
    word.clear();
  };
  for (char c : normalized) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80) {
      word += c;
    } else {
      flush();
    }
  }
  flush();
  return terms;
}

}  // namespace plume::retrieval
