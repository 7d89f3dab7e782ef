#include "privacy/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "util/files.h"
#include "util/text.h"

namespace plume::privacy {
namespace {

bool IsStructured(PiiType t) {
  return t != PiiType::kName && t != PiiType::kOtherNumber && t != PiiType::kLiteral;
}

bool HasLetter(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0xC3) return true;
  }
  return false;
}

// True when `spans` (sorted, non-overlapping) cover every non-space byte of [begin, end).
bool Covered(std::string_view text, const std::vector<PiiSpan>& spans, size_t begin, size_t end,
             const PiiType* type) {
  for (size_t i = begin; i < end; ++i) {
    char c = text[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == ',') continue;
    bool in = false;
    for (const PiiSpan& s : spans) {
      if (s.begin > i) break;
      if (s.end > i && (type == nullptr || s.type == *type)) {
        in = true;
        break;
      }
    }
    if (!in) return false;
  }
  return true;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TypeScores EvalReport::Structured() const {
  TypeScores total;
  for (PiiType t : AllPiiTypes()) {
    if (!IsStructured(t)) continue;
    const TypeScores& s = by_type[static_cast<int>(t)];
    total.gold += s.gold;
    total.found += s.found;
    total.predicted += s.predicted;
    total.correct += s.correct;
  }
  return total;
}

std::string EvalReport::FormatTable() const {
  std::string out;
  char line[200];
  std::snprintf(line, sizeof line, "Dataset: %s (%ld documents, %ld bytes, unit: %s)\n",
                dataset.c_str(), documents, bytes, unit.c_str());
  out += line;
  std::snprintf(line, sizeof line, "%-16s %8s %8s %9s %7s %7s %7s\n", "type", "gold", "found",
                "predicted", "P", "R", "F1");
  out += line;
  auto row = [&](std::string_view name, const TypeScores& s) {
    std::snprintf(line, sizeof line, "%-16.*s %8ld %8ld %9ld %7.4f %7.4f %7.4f\n",
                  static_cast<int>(name.size()), name.data(), s.gold, s.found, s.predicted,
                  s.Precision(), s.Recall(), s.F1());
    out += line;
  };
  for (PiiType t : AllPiiTypes()) {
    const TypeScores& s = by_type[static_cast<int>(t)];
    if (s.gold == 0 && s.predicted == 0) continue;
    if (s.gold == 0) {
      std::snprintf(line, sizeof line, "%-16.*s %8s %8s %9ld %7s %7s %7s\n",
                    static_cast<int>(PiiTypeName(t).size()), PiiTypeName(t).data(), "-", "-",
                    s.predicted, "-", "-", "-");
      out += line;
      continue;
    }
    row(PiiTypeName(t), s);
  }
  if (unit == "entity") {
    row("ALL structured", Structured());
    std::snprintf(line, sizeof line,
                  "Leaked gold spans (not fully masked by any type): %ld / %ld\n", leaked,
                  gold_spans);
    out += line;
  } else {
    std::snprintf(line, sizeof line, "PER entities fully covered: %ld / %ld (%.4f)\n",
                  ner_entities_covered, ner_entities,
                  ner_entities == 0 ? 0.0 : double(ner_entities_covered) / double(ner_entities));
    out += line;
  }
  std::snprintf(line, sizeof line, "Detection time: %.3f s (%.1f MB/s)\n", seconds,
                seconds > 0 ? double(bytes) / 1e6 / seconds : 0.0);
  out += line;
  return out;
}

Result<EvalReport> EvaluateSynthetic(const Pseudonymizer& p,
                                     const std::vector<LabelledMessage>& messages) {
  EvalReport report;
  report.dataset = "synthetic";
  report.unit = "entity";
  for (const LabelledMessage& m : messages) {
    auto start = std::chrono::steady_clock::now();
    PLUME_ASSIGN_OR_RETURN(std::vector<PiiSpan> pred, p.Detect(m.text));
    report.seconds += Seconds(start);
    ++report.documents;
    report.bytes += static_cast<long>(m.text.size());
    for (const PiiSpan& g : m.spans) {
      TypeScores& s = report.by_type[static_cast<int>(g.type)];
      ++s.gold;
      ++report.gold_spans;
      if (Covered(m.text, pred, g.begin, g.end, &g.type)) ++s.found;
      if (!Covered(m.text, pred, g.begin, g.end, nullptr)) ++report.leaked;
    }
    for (const PiiSpan& q : pred) {
      TypeScores& s = report.by_type[static_cast<int>(q.type)];
      ++s.predicted;
      bool match = std::any_of(m.spans.begin(), m.spans.end(), [&](const PiiSpan& g) {
        return g.type == q.type && g.begin < q.end && q.begin < g.end;
      });
      if (match) ++s.correct;
    }
  }
  return report;
}

Result<std::vector<NerToken>> ReadNerFile(const std::filesystem::path& bio_file) {
  PLUME_ASSIGN_OR_RETURN(std::string content, util::ReadFile(bio_file));
  if (!util::IsValidUtf8(content)) return InvalidArgument("NER file is not valid UTF-8");
  std::vector<NerToken> tokens;
  std::string_view rest = content;
  size_t line_no = 0;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    size_t sp = line.rfind(' ');
    if (sp == std::string_view::npos || sp == 0) {
      return InvalidArgument("malformed NER line " + std::to_string(line_no));
    }
    std::string_view tag = line.substr(sp + 1);
    tokens.push_back({std::string(line.substr(0, sp)), tag == "I-PER" || tag == "B-PER"});
  }
  return tokens;
}

std::string JoinNerTokens(const std::vector<NerToken>& tokens, size_t begin, size_t end,
                          std::vector<std::pair<size_t, size_t>>* spans) {
  std::string text;
  spans->clear();
  bool glue_next = true;
  for (size_t i = begin; i < end; ++i) {
    const std::string& t = tokens[i].text;
    bool closing = t == "," || t == "." || t == ";" || t == ":" || t == ")" || t == "!" ||
                   t == "?" || t == "»";
    if (!glue_next && !closing) text.push_back(' ');
    spans->emplace_back(text.size(), text.size() + t.size());
    text += t;
    glue_next = t == "(" || t == "«" || (!t.empty() && t.back() == '\'') ||
                (t.size() >= 3 && t.compare(t.size() - 3, 3, "\xE2\x80\x99") == 0);
  }
  return text;
}

size_t NerSplitPoint(const std::vector<NerToken>& tokens) {
  size_t i = tokens.size() / 2;
  while (i < tokens.size() && (i == 0 || tokens[i - 1].text != ".")) ++i;
  return i;
}

Result<EvalReport> EvaluateNer(const Pseudonymizer& p, const std::filesystem::path& bio_file) {
  PLUME_ASSIGN_OR_RETURN(std::vector<NerToken> tokens, ReadNerFile(bio_file));
  return EvaluateNerTokens(p, tokens, 0, tokens.size(), nullptr);
}

Result<EvalReport> EvaluateNerTokens(const Pseudonymizer& p,
                                     const std::vector<NerToken>& file_tokens, size_t first,
                                     size_t last, std::vector<char>* predicted_out) {
  last = std::min(last, file_tokens.size());
  first = std::min(first, last);
  const std::vector<NerToken> tokens(file_tokens.begin() + static_cast<std::ptrdiff_t>(first),
                                     file_tokens.begin() + static_cast<std::ptrdiff_t>(last));
  EvalReport report;
  report.dataset = "ner-europeana-fr";
  report.unit = "token";
  TypeScores& names = report.by_type[static_cast<int>(PiiType::kName)];
  std::vector<char> predicted(tokens.size(), 0);
  // Chunks of ~300 tokens cut after a full stop (the corpus has no sentence breaks).
  size_t begin = 0;
  std::vector<std::pair<size_t, size_t>> spans;
  while (begin < tokens.size()) {
    size_t end = std::min(tokens.size(), begin + 300);
    while (end < tokens.size() && end < begin + 600 && tokens[end - 1].text != ".") ++end;
    std::string text = JoinNerTokens(tokens, begin, end, &spans);
    auto start = std::chrono::steady_clock::now();
    PLUME_ASSIGN_OR_RETURN(std::vector<PiiSpan> pred, p.Detect(text));
    report.seconds += Seconds(start);
    ++report.documents;
    report.bytes += static_cast<long>(text.size());
    size_t k = 0;
    for (const PiiSpan& s : pred) {
      if (s.type != PiiType::kName) {
        ++report.by_type[static_cast<int>(s.type)].predicted;
        continue;
      }
      while (k < spans.size() && spans[k].second <= s.begin) ++k;
      for (size_t j = k; j < spans.size() && spans[j].first < s.end; ++j) {
        predicted[begin + j] = 1;
      }
    }
    begin = end;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!HasLetter(tokens[i].text)) continue;
    if (tokens[i].person) {
      ++names.gold;
      if (predicted[i]) ++names.found;
    }
    if (predicted[i]) {
      ++names.predicted;
      if (tokens[i].person) ++names.correct;
    }
  }
  for (size_t i = 0; i < tokens.size();) {
    if (!tokens[i].person) {
      ++i;
      continue;
    }
    bool all = true;
    bool any_letter = false;
    size_t j = i;
    for (; j < tokens.size() && tokens[j].person; ++j) {
      if (!HasLetter(tokens[j].text)) continue;
      any_letter = true;
      if (!predicted[j]) all = false;
    }
    if (any_letter) {
      ++report.ner_entities;
      if (all) ++report.ner_entities_covered;
    }
    i = j;
  }
  if (predicted_out != nullptr) *predicted_out = std::move(predicted);
  return report;
}

}  // namespace plume::privacy
