// Réponses types from sent replies (issue #3).
//   POST /api/decisions/{id}/template-candidate   agent session + CSRF; the decision must be a
//        sent reply of a message the agent sees (404 otherwise, like an unknown id). Optional
//        body {"title"}. The reply becomes a candidate without personal data
//        (draft::TemplateCandidateMaker); 409 when that reply was already proposed.
//   GET  /api/templates?status=candidate|approved|rejected   agents: approved ones of their
//        service; supervisors: every status of their service; admins: all (or ?service=).
//   POST /api/templates/{id}/approve | reject     supervisor/admin + CSRF; optional body
//        {"body", "title"} replacing the template's (a body must be valid mustache, at most
//        draft::kMaxTemplateBodyBytes); another service's template answers 404. An edited body
//        is checked for personal data (draft::TemplateCandidateMaker::FindPersonalData: the
//        template's fiches are public, mustache tags do not count): 422 "personal_data" naming
//        the kinds found, with error.findings [{kind, label, text}], nothing stored.
// Every proposal and review is audited.
#include "draft/template_candidates.h"
#include "http/server_impl.h"
#include "http/text_metrics.h"
#include "plume/intent.h"

namespace plume::http {
namespace {

ApiError DecisionNotFound() { return {404, "not_found", "Réponse envoyée introuvable."}; }
ApiError TemplateNotFound() { return {404, "not_found", "Réponse type introuvable."}; }

json TemplateJson(const StoredReplyTemplate& t) {
  return {{"id", t.id},
          {"service", t.service},
          {"title", t.title},
          {"body", t.body},
          {"intent", t.intent},
          {"document_ids", t.document_ids},
          {"status", ToString(t.status)},
          {"proposed_by", t.proposed_by},
          {"proposed_at", FormatIsoUtc(t.proposed_at_ms)},
          {"reviewed_by", t.reviewed_by},
          {"reviewed_at", t.reviewed_at_ms ? json(FormatIsoUtc(*t.reviewed_at_ms)) : json(nullptr)},
          {"decision_id", t.source_decision_id ? json(*t.source_decision_id) : json(nullptr)}};
}

// The refusal of an edited body holding personal data: 422, each finding with its kind.
void SendPersonalData(httplib::Response& res, const std::vector<draft::PersonalDataFound>& found) {
  json body = ErrorBody({422, "personal_data", draft::PersonalDataRefusal(found)});
  json findings = json::array();
  for (const auto& f : found) {
    findings.push_back({{"kind", privacy::PiiTypeName(f.type)},
                        {"label", draft::FrenchPiiKind(f.type)},
                        {"text", f.text}});
  }
  body["error"]["findings"] = std::move(findings);
  SendJson(res, 422, body);
}

bool IsSent(DecisionKind k) {
  return k == DecisionKind::kAccepted || k == DecisionKind::kEdited ||
         k == DecisionKind::kWrittenWithoutAi;
}

// True when `body`, the edited body of `tmpl`, holds no personal data; otherwise the error is
// sent (503 without a checker, 422 with the findings, or the store's error).
bool CheckedForPersonalData(Store& store, const draft::TemplateCandidateMaker* checker,
                            const std::string& body, const StoredReplyTemplate& tmpl,
                            httplib::Response& res) {
  if (checker == nullptr) {
    SendError(res, {503, "unavailable",
                    "Les réponses types ne sont pas configurées : le texte modifié ne peut pas "
                    "être vérifié."});
    return false;
  }
  // The same public values as when the candidate was made: its fiches, and the sender of the
  // message it came from as a hint.
  draft::CandidateInput context;
  for (const auto& id : tmpl.document_ids) {
    auto doc = store.GetDocument(id);
    if (!doc.ok()) {
      if (doc.status().code() == StatusCode::kNotFound) continue;
      SendStoreError(res, doc.status());
      return false;
    }
    context.sources.push_back(std::move(doc).value());
  }
  if (tmpl.source_decision_id) {
    auto decision = store.GetDecision(*tmpl.source_decision_id);
    if (!decision.ok() && decision.status().code() != StatusCode::kNotFound) {
      SendStoreError(res, decision.status());
      return false;
    }
    if (decision.ok()) {
      auto m = store.GetMessage(decision->message_id);
      if (!m.ok() && m.status().code() != StatusCode::kNotFound) {
        SendStoreError(res, m.status());
        return false;
      }
      if (m.ok()) {
        context.sender_name = m->sender_name;
        context.sender_email = m->sender_email;
      }
    }
  }
  auto found = checker->FindPersonalData(body, context);
  if (!found.ok()) {
    SendStatus(res, found.status());
    return false;
  }
  if (!found->empty()) {
    SendPersonalData(res, *found);
    return false;
  }
  return true;
}

}  // namespace

void Server::Impl::TemplateRoutes() {
  server.Post(R"(/api/decisions/([^/]+)/template-candidate)", [this](const httplib::Request& req,
                                                                     httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    auto id = ParseId(req.matches[1].str());
    if (!id) return SendError(res, DecisionNotFound());
    auto body = ParseObject(req, res, true);
    if (!body) return;
    std::string title;
    if (!GetString(*body, "title", &title, res) || !RequireShort(title, "title", res)) return;
    if (title.size() > draft::kMaxTemplateTitleBytes || !util::IsValidUtf8(title)) {
      return SendError(res, BadArgument("Titre invalide (200 octets au plus, UTF-8)."));
    }
    auto decision = store.GetDecision(*id);
    if (!decision.ok()) {
      if (decision.status().code() == StatusCode::kNotFound) {
        return SendError(res, DecisionNotFound());
      }
      return SendStoreError(res, decision.status());
    }
    if (!IsSent(decision->kind)) return SendError(res, DecisionNotFound());
    auto m = store.GetMessage(decision->message_id);
    if (!m.ok() && m.status().code() != StatusCode::kNotFound) {
      return SendStoreError(res, m.status());
    }
    if (!m.ok() || !CanSee(*p, m->service)) return SendError(res, DecisionNotFound());
    if (options.template_candidates == nullptr) {
      return SendError(res, {503, "unavailable", "Les réponses types ne sont pas configurées."});
    }
    draft::CandidateInput input;
    input.reply_text = decision->final_text;
    input.sender_name = m->sender_name;
    input.sender_email = m->sender_email;
    std::vector<std::string> document_ids;
    if (decision->draft_id) {
      auto d = store.GetDraft(*decision->draft_id);
      if (!d.ok()) return SendStoreError(res, d.status());
      for (const auto& s : d->sources) {
        auto doc = store.GetDocument(s.document_id);
        if (!doc.ok()) {
          if (doc.status().code() == StatusCode::kNotFound) continue;
          return SendStoreError(res, doc.status());
        }
        document_ids.push_back(s.document_id);
        input.sources.push_back(std::move(doc).value());
      }
    }
    auto candidate = options.template_candidates->Make(input);
    if (!candidate.ok()) {
      if (candidate.status().code() == StatusCode::kInvalidArgument) {
        return SendError(res, BadArgument(candidate.status().message()));
      }
      return SendStatus(res, candidate.status());
    }
    StoredReplyTemplate t;
    t.service = m->service;
    t.body = candidate->body;
    t.intent = m->intent == kToQualifyIntent ? std::string() : m->intent;
    t.document_ids = document_ids;
    t.status = ReplyTemplateStatus::kCandidate;
    t.proposed_by = p->agent.login;
    t.proposed_at_ms = clock.NowMillis();
    t.source_decision_id = decision->id;
    if (!title.empty()) {
      // The agent's title goes through the same filter: no citizen's data in a title either.
      draft::CandidateInput title_input = input;
      title_input.reply_text = title;
      auto clean = options.template_candidates->Make(title_input);
      if (!clean.ok()) return SendError(res, BadArgument("Titre invalide."));
      t.title = clean->body;
    } else if (!input.sources.empty()) {
      t.title = input.sources.front().title;
    } else {
      t.title = "Réponse sans fiche citée";
    }
    auto created = store.CreateReplyTemplate(t);
    if (!created.ok()) {
      if (created.status().code() == StatusCode::kAlreadyExists) {
        return SendError(
            res, {409, "conflict", "Cette réponse a déjà été proposée comme réponse type."});
      }
      return SendStoreError(res, created.status());
    }
    t.id = *created;
    AuditEntry audit;
    audit.at_ms = t.proposed_at_ms;
    audit.service = t.service;
    audit.agent = p->agent.login;
    audit.action = "template_proposed";
    audit.message_id = m->id;
    audit.sources = t.document_ids;
    audit.detail = "template " + std::to_string(t.id);
    if (auto a = store.AppendAudit(audit); !a.ok()) return SendStoreError(res, a.status());
    SendJson(res, 201, {{"template", TemplateJson(t)}, {"removed", candidate->removed}});
  });

  server.Get("/api/templates", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    ReplyTemplateFilter f;
    f.limit = 1000;
    const bool reviewer = p->agent.role != AgentRole::kAgent;
    if (req.has_param("status")) {
      ReplyTemplateStatus status;
      if (!ParseReplyTemplateStatus(req.get_param_value("status"), &status)) {
        return SendError(res, BadArgument("status doit valoir candidate, approved ou rejected."));
      }
      f.status = status;
    }
    if (!reviewer) {
      if (f.status && *f.status != ReplyTemplateStatus::kApproved) {
        return SendError(res, Forbidden("Les propositions sont examinées par les superviseurs."));
      }
      f.status = ReplyTemplateStatus::kApproved;
    }
    if (!p->is_admin()) {
      f.service = p->service;
    } else if (req.has_param("service")) {
      f.service = req.get_param_value("service");
    }
    auto list = store.ListReplyTemplates(f);
    if (!list.ok()) return SendStoreError(res, list.status());
    auto version = store.ReplyTemplateVersion();
    if (!version.ok()) return SendStoreError(res, version.status());
    json items = json::array();
    for (const auto& t : *list) items.push_back(TemplateJson(t));
    SendJson(res, 200, {{"templates", items}, {"version", *version}});
  });

  auto review = [this](ReplyTemplateStatus status) {
    return [this, status](const httplib::Request& req, httplib::Response& res) {
      auto p = Authenticate(req, res, Access::kAgent);
      if (!p) return;
      if (p->agent.role == AgentRole::kAgent) {
        return SendError(res, Forbidden("La validation des réponses types est réservée aux "
                                        "superviseurs."));
      }
      auto id = ParseId(req.matches[1].str());
      if (!id) return SendError(res, TemplateNotFound());
      auto body = ParseObject(req, res, true);
      if (!body) return;
      std::optional<std::string> new_body;
      std::optional<std::string> new_title;
      std::string text;
      if (body->contains("body") && !(*body)["body"].is_null()) {
        if (!GetString(*body, "body", &text, res)) return;
        if (Status s = draft::ValidateTemplateBody(text); !s.ok()) {
          return SendError(res, BadArgument(s.message()));
        }
        new_body = text;
      }
      if (body->contains("title") && !(*body)["title"].is_null()) {
        text.clear();
        if (!GetString(*body, "title", &text, res)) return;
        if (util::Trim(text).empty() || text.size() > draft::kMaxTemplateTitleBytes ||
            !util::IsValidUtf8(text)) {
          return SendError(res, BadArgument("Titre invalide (1 à 200 octets, UTF-8)."));
        }
        new_title = text;
      }
      auto t = store.GetReplyTemplate(*id);
      if (!t.ok()) {
        if (t.status().code() == StatusCode::kNotFound) return SendError(res, TemplateNotFound());
        return SendStoreError(res, t.status());
      }
      if (!CanSee(*p, t->service)) return SendError(res, TemplateNotFound());
      if (new_body &&
          !CheckedForPersonalData(store, options.template_candidates, *new_body, *t, res)) {
        return;
      }
      ReplyTemplateReview r;
      r.status = status;
      r.reviewer = p->agent.login;
      r.at_ms = clock.NowMillis();
      r.body = new_body;
      r.title = new_title;
      auto reviewed = store.ReviewReplyTemplate(*id, r);
      if (!reviewed.ok()) return SendStoreError(res, reviewed.status());
      AuditEntry audit;
      audit.at_ms = r.at_ms;
      audit.service = reviewed->service;
      audit.agent = p->agent.login;
      audit.action =
          status == ReplyTemplateStatus::kApproved ? "template_approved" : "template_rejected";
      audit.sources = reviewed->document_ids;
      audit.detail = "template " + std::to_string(*id) + (new_body ? " (texte modifié)" : "");
      if (auto a = store.AppendAudit(audit); !a.ok()) return SendStoreError(res, a.status());
      SendJson(res, 200, {{"template", TemplateJson(*reviewed)}});
    };
  };
  server.Post(R"(/api/templates/([^/]+)/approve)", review(ReplyTemplateStatus::kApproved));
  server.Post(R"(/api/templates/([^/]+)/reject)", review(ReplyTemplateStatus::kRejected));
}

}  // namespace plume::http
