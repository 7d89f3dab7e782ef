#include "store/codec/json_columns.h"

#include <nlohmann/json.hpp>

namespace plume::store {

using json = nlohmann::json;

std::string BreadcrumbToJson(const std::vector<BreadcrumbEntry>& breadcrumb) {
  json a = json::array();
  for (const auto& e : breadcrumb) a.push_back({{"id", e.id}, {"label", e.label}});
  return a.dump();
}

std::string SectionsToJson(const std::vector<DocumentSection>& sections) {
  json a = json::array();
  for (const auto& s : sections) a.push_back({{"path", s.path}, {"text", s.text}});
  return a.dump();
}

std::string LinksToJson(const std::vector<DocumentLink>& links) {
  json a = json::array();
  for (const auto& l : links) {
    a.push_back(
        {{"kind", l.kind}, {"title", l.title}, {"url", l.url}, {"ref", l.ref}, {"note", l.note}});
  }
  return a.dump();
}

std::string SourcesToJson(const std::vector<DraftSource>& sources) {
  json a = json::array();
  for (const auto& s : sources) {
    a.push_back({{"document_id", s.document_id},
                 {"title", s.title},
                 {"url", s.url},
                 {"source_date", s.source_date}});
  }
  return a.dump();
}

std::string StringListToJson(const std::vector<std::string>& values) { return json(values).dump(); }

std::string ReasonsToText(const std::vector<FeedbackReason>& reasons) {
  std::string out;
  for (FeedbackReason r : reasons) {
    if (!out.empty()) out += ',';
    out += ToString(r);
  }
  return out;
}

std::vector<FeedbackReason> ReasonsFromText(std::string_view text) {
  std::vector<FeedbackReason> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    FeedbackReason r;
    if (ParseFeedbackReason(text.substr(0, comma), &r)) out.push_back(r);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return out;
}

Status ParseDocumentJson(std::string_view breadcrumb, std::string_view sections,
                         std::string_view links, KnowledgeDocument* doc) {
  try {
    for (const auto& e : json::parse(breadcrumb)) {
      doc->breadcrumb.push_back({e.at("id").get<std::string>(), e.at("label").get<std::string>()});
    }
    for (const auto& e : json::parse(sections)) {
      doc->sections.push_back(
          {e.at("path").get<std::vector<std::string>>(), e.at("text").get<std::string>()});
    }
    for (const auto& e : json::parse(links)) {
      doc->links.push_back({e.at("kind").get<std::string>(), e.at("title").get<std::string>(),
                            e.at("url").get<std::string>(), e.at("ref").get<std::string>(),
                            e.at("note").get<std::string>()});
    }
  } catch (const json::exception& e) {
    return DataLoss("document " + doc->id + ": corrupt JSON column: " + e.what());
  }
  return Status::Ok();
}

Status ParseDraftJson(std::string_view sources, std::string_view warnings, Draft* draft) {
  try {
    for (const auto& e : json::parse(sources)) {
      draft->sources.push_back({e.at("document_id").get<std::string>(),
                                e.at("title").get<std::string>(), e.at("url").get<std::string>(),
                                e.at("source_date").get<std::string>()});
    }
    draft->warnings = json::parse(warnings).get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return DataLoss("draft " + std::to_string(draft->id) + ": corrupt JSON column: " + e.what());
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ParseStringList(std::string_view json_text,
                                                 std::string_view what) {
  try {
    return json::parse(json_text).get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return DataLoss(std::string(what) + ": corrupt JSON column: " + e.what());
  }
}

}  // namespace plume::store
