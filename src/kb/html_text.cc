#include <string>
#include <string_view>
#include <vector>

#include "kb/parsers.h"
#include "util/text.h"

namespace plume::kb {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

bool IsBlockTag(std::string_view tag) {
  for (std::string_view b : {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
                             "h6", "tr", "table", "section", "blockquote"}) {
    if (IEquals(tag, b)) return true;
  }
  return false;
}

void AppendEntity(std::string_view entity, std::string* out) {
  struct Named {
    std::string_view name;
    std::string_view text;
  };
  static constexpr Named kNamed[] = {{"amp", "&"},      {"lt", "<"},       {"gt", ">"},
                                     {"quot", "\""},    {"apos", "'"},     {"nbsp", " "},
                                     {"eacute", "é"},   {"egrave", "è"},   {"agrave", "à"},
                                     {"ecirc", "ê"},    {"ccedil", "ç"},   {"rsquo", "’"},
                                     {"laquo", "«"},    {"raquo", "»"},    {"euro", "€"},
                                     {"hellip", "…"},   {"ndash", "–"},    {"mdash", "—"}};
  if (!entity.empty() && entity[0] == '#') {
    long cp = 0;
    try {
      cp = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X')
               ? std::stol(std::string(entity.substr(2)), nullptr, 16)
               : std::stol(std::string(entity.substr(1)));
    } catch (...) {
      cp = 0;
    }
    if (cp <= 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return;
    util::AppendUtf8(out, static_cast<char32_t>(cp));
    return;
  }
  for (const auto& n : kNamed) {
    if (n.name == entity) {
      *out += n.text;
      return;
    }
  }
  *out += '&';
  *out += entity;
  *out += ';';
}

std::string ExtractHref(std::string_view tag_body) {
  size_t pos = tag_body.find("href=");
  if (pos == std::string_view::npos) return {};
  pos += 5;
  if (pos >= tag_body.size()) return {};
  char quote = tag_body[pos];
  if (quote != '"' && quote != '\'') return {};
  size_t end = tag_body.find(quote, pos + 1);
  if (end == std::string_view::npos) return {};
  return std::string(tag_body.substr(pos + 1, end - pos - 1));
}

}  // namespace

std::string HtmlToText(std::string_view html, std::vector<std::string>* hrefs) {
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string_view body = html.substr(i + 1, end - i - 1);
      bool closing = !body.empty() && body[0] == '/';
      std::string_view name = body.substr(closing ? 1 : 0);
      name = name.substr(0, name.find_first_of(" \t\n/"));
      if (IsBlockTag(name)) out += '\n';
      if (IEquals(name, "li") && !closing) out += "- ";
      if (hrefs && !closing && IEquals(name, "a")) {
        std::string href = ExtractHref(body);
        if (href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0) {
          hrefs->push_back(std::move(href));
        }
      }
      i = end + 1;
    } else if (c == '&') {
      size_t semi = html.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        AppendEntity(html.substr(i + 1, semi - i - 1), &out);
        i = semi + 1;
      } else {
        out += c;
        ++i;
      }
    } else {
      out += c;
      ++i;
    }
  }
  // Normalise each line, drop empty ones.
  std::string result;
  size_t start = 0;
  while (start <= out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    std::string line = util::NormalizeSpace(std::string_view(out).substr(start, nl - start));
    if (!line.empty() && line != "-") {
      if (!result.empty()) result += '\n';
      result += line;
    }
    start = nl + 1;
  }
  return result;
}

}  // namespace plume::kb
