// Intent routing routes (issue #6):
//   GET  /api/intents                 intent labels of the taxonomy (any agent session)
//   GET  /api/admin/routing           routing rules: admin all; supervisor its service + shared
//   PUT  /api/admin/routing           replaces every rule (admin; audited "routing_rules_updated")
//   POST /api/messages/{id}/intent    agent's correction {intent}: stored (pseudonymised text),
//                                     message re-routed, audited "intent_corrected"
#include <string>

#include "http/server_impl.h"
#include "intent/routing_service.h"
#include "intent/taxonomy.h"
#include "privacy/pseudonymizer.h"

namespace plume::http {
namespace {

json RuleSetJson(const RoutingRuleSet& rules, const intent::Taxonomy& taxonomy) {
  json services = json::array();
  for (const ServiceQueues& q : rules.services) {
    services.push_back(
        {{"service", q.service},
         {"default_queue", q.default_queue},
         {"qualification_queue", q.qualification_queue},
         {"min_confidence",
          q.min_confidence_permille ? json(*q.min_confidence_permille / 1000.0) : json(nullptr)}});
  }
  json list = json::array();
  for (const RoutingRule& r : rules.rules) {
    list.push_back({{"service", r.service},
                    {"intent", r.intent},
                    {"intent_name", taxonomy.NameOf(r.intent)},
                    {"queue", r.queue}});
  }
  return {{"services", services}, {"rules", list}};
}

// Reads a string field that must be present (or absent when `required` is false: "").
bool Field(const json& obj, const char* key, bool required, std::string* out, std::string* error) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) *error = std::string("Le champ « ") + key + " » est obligatoire.";
    return !required;
  }
  if (!it->is_string()) {
    *error = std::string("Le champ « ") + key + " » doit être une chaîne de caractères.";
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

// The body of PUT /api/admin/routing as a rule set; on failure a French message in *error.
bool ParseRuleSet(const json& body, RoutingRuleSet* out, std::string* error) {
  constexpr size_t kMaxEntries = 5000;
  auto services = body.find("services");
  auto rules = body.find("rules");
  if (services == body.end() || !services->is_array() || services->size() > kMaxEntries) {
    *error = "Le champ « services » doit être une liste (au plus 5000 éléments).";
    return false;
  }
  if (rules == body.end() || !rules->is_array() || rules->size() > kMaxEntries) {
    *error = "Le champ « rules » doit être une liste (au plus 5000 éléments).";
    return false;
  }
  for (const json& s : *services) {
    if (!s.is_object()) {
      *error = "Chaque élément de « services » doit être un objet.";
      return false;
    }
    ServiceQueues q;
    if (!Field(s, "service", true, &q.service, error) ||
        !Field(s, "default_queue", false, &q.default_queue, error) ||
        !Field(s, "qualification_queue", false, &q.qualification_queue, error)) {
      return false;
    }
    auto conf = s.find("min_confidence");
    if (conf != s.end() && !conf->is_null()) {
      if (!conf->is_number() || conf->get<double>() < 0 || conf->get<double>() > 1) {
        *error = "Le champ « min_confidence » doit être un nombre entre 0 et 1.";
        return false;
      }
      q.min_confidence_permille = static_cast<int>(conf->get<double>() * 1000 + 0.5);
    }
    out->services.push_back(std::move(q));
  }
  for (const json& r : *rules) {
    if (!r.is_object()) {
      *error = "Chaque élément de « rules » doit être un objet.";
      return false;
    }
    RoutingRule rule;
    if (!Field(r, "service", false, &rule.service, error) ||
        !Field(r, "intent", true, &rule.intent, error) ||
        !Field(r, "queue", true, &rule.queue, error)) {
      return false;
    }
    out->rules.push_back(std::move(rule));
  }
  return true;
}

// The rules a supervisor may read: the shared ones and those of its service.
RoutingRuleSet OnlyService(const RoutingRuleSet& all, const std::string& service) {
  RoutingRuleSet out;
  for (const auto& q : all.services) {
    if (q.service.empty() || q.service == service) out.services.push_back(q);
  }
  for (const auto& r : all.rules) {
    if (r.service.empty() || r.service == service) out.rules.push_back(r);
  }
  return out;
}

ApiError RoutingUnavailable() {
  return {503, "unavailable", "L'orientation des messages n'est pas configurée sur ce serveur."};
}

}  // namespace

void Server::Impl::RoutingRoutes() {
  server.Get("/api/intents", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (options.taxonomy == nullptr) return SendError(res, RoutingUnavailable());
    json list = json::array();
    for (const auto& l : options.taxonomy->labels()) {
      list.push_back({{"id", l.id}, {"name", l.name}});
    }
    const auto& q = options.taxonomy->to_qualify();
    SendJson(res, 200, {{"intents", list}, {"to_qualify", {{"id", q.id}, {"name", q.name}}}});
  });

  server.Get("/api/admin/routing", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (p->agent.role == AgentRole::kAgent) {
      return SendError(res, Forbidden("Les règles d'orientation sont réservées aux superviseurs "
                                      "et aux administrateurs."));
    }
    if (options.taxonomy == nullptr) return SendError(res, RoutingUnavailable());
    auto stored = store.GetRoutingRules();
    if (!stored.ok()) return SendStoreError(res, stored.status());
    // The effective rules: a fresh installation shows the fallback queues.
    RoutingRuleSet rules = intent::RuleSetFromConfig(intent::ConfigFromRuleSet(*stored));
    if (!p->is_admin()) rules = OnlyService(rules, p->service);
    json out = RuleSetJson(rules, *options.taxonomy);
    out["editable"] = p->is_admin();
    SendJson(res, 200, out);
  });

  server.Put("/api/admin/routing", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (!p->is_admin()) return SendError(res, Forbidden("Action réservée aux administrateurs."));
    if (options.taxonomy == nullptr) return SendError(res, RoutingUnavailable());
    auto body = ParseObject(req, res, false);
    if (!body) return;
    RoutingRuleSet rules;
    std::string error;
    if (!ParseRuleSet(*body, &rules, &error)) return SendError(res, BadArgument(error));
    if (Status s = intent::ValidateRuleSet(rules, *options.taxonomy); !s.ok()) {
      return SendStatus(res, s);
    }
    // Stored in the order GetRoutingRules returns, so a GET shows what was saved.
    rules = intent::RuleSetFromConfig(intent::ConfigFromRuleSet(rules));
    AuditEntry audit;
    audit.at_ms = clock.NowMillis();
    audit.agent = p->agent.login;
    audit.action = "routing_rules_updated";
    audit.detail = std::to_string(rules.rules.size()) + " règle(s), " +
                   std::to_string(rules.services.size()) + " service(s)";
    if (Status s = store.ReplaceRoutingRules(rules, audit); !s.ok()) {
      return SendStoreError(res, s);
    }
    json out = RuleSetJson(rules, *options.taxonomy);
    out["editable"] = true;
    SendJson(res, 200, out);
  });

  server.Post(R"(/api/messages/([^/]+)/intent)", [this](const httplib::Request& req,
                                                        httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    auto id = ParseId(req.matches[1].str());
    if (!id) return SendError(res, MessageNotFound());
    auto body = ParseObject(req, res, false);
    if (!body) return;
    std::string label;
    if (!GetString(*body, "intent", &label, res)) return;
    if (label.empty()) {
      return SendError(res, BadArgument("Le champ « intent » (identifiant d'intention) est "
                                        "obligatoire."));
    }
    if (!RequireShort(label, "intent", res)) return;
    auto m = VisibleMessage(*p, *id, res);
    if (!m) return;
    if (options.taxonomy == nullptr || options.pseudonymizer == nullptr) {
      return SendError(res, RoutingUnavailable());
    }
    if (!options.taxonomy->Contains(label)) {
      return SendError(res, BadArgument("Intention inconnue « " + label +
                                        " » : choisissez une intention de la liste."));
    }
    intent::IntentCorrectionRequest request{label, p->agent.login, clock.NowMillis()};
    auto updated =
        intent::CorrectIntent(store, *options.taxonomy, *options.pseudonymizer, *m, request);
    if (!updated.ok()) {
      if (updated.status().code() == StatusCode::kNotFound) {
        return SendError(res, MessageNotFound());
      }
      return SendStoreError(res, updated.status());
    }
    SendJson(res, 200, {{"message", MessageJson(*updated)}});
  });
}

}  // namespace plume::http
