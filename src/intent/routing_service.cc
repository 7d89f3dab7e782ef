#include "intent/routing_service.h"

#include <fmt/core.h>

#include <set>
#include <utility>

#include "util/text.h"

namespace plume::intent {
namespace {

QueueRules RulesOf(const ServiceQueues& q) {
  QueueRules r;
  r.default_queue = q.default_queue;
  r.qualification_queue = q.qualification_queue;
  if (q.min_confidence_permille) r.min_confidence = *q.min_confidence_permille / 1000.0;
  return r;
}

ServiceQueues QueuesOf(const std::string& service, const QueueRules& r) {
  ServiceQueues q{service, r.default_queue, r.qualification_queue, std::nullopt};
  if (r.min_confidence)
    q.min_confidence_permille = static_cast<int>(*r.min_confidence * 1000 + 0.5);
  return q;
}

std::string ServiceLabel(const std::string& service) {
  return service.empty() ? "tous les services" : "« " + service + " »";
}

Status CheckName(std::string_view value, std::string_view what) {
  if (!util::IsValidUtf8(value) || value.size() > kMaxQueueNameBytes) {
    return InvalidArgument(
        fmt::format("{} : au plus {} octets en UTF-8 valide.", what, kMaxQueueNameBytes));
  }
  return Status::Ok();
}

}  // namespace

RoutingConfig ConfigFromRuleSet(const RoutingRuleSet& rules) {
  RoutingConfig config;
  for (const ServiceQueues& q : rules.services) {
    if (q.service.empty()) {
      config.global = RulesOf(q);
    } else {
      config.services[q.service] = RulesOf(q);
    }
  }
  for (const RoutingRule& r : rules.rules) {
    if (r.service.empty()) {
      config.global.routes[r.intent] = r.queue;
    } else {
      config.services[r.service].routes[r.intent] = r.queue;
    }
  }
  if (config.global.default_queue.empty()) {
    config.global.default_queue = std::string(kFallbackQueue);
    if (config.global.qualification_queue.empty()) {
      config.global.qualification_queue = std::string(kFallbackQualificationQueue);
    }
  }
  return config;
}

RoutingRuleSet RuleSetFromConfig(const RoutingConfig& config) {
  RoutingRuleSet out;
  out.services.push_back(QueuesOf("", config.global));
  for (const auto& [intent, queue] : config.global.routes) out.rules.push_back({"", intent, queue});
  for (const auto& [service, rules] : config.services) {  // std::map: ordered by service
    if (!rules.default_queue.empty() || !rules.qualification_queue.empty() ||
        rules.min_confidence) {
      out.services.push_back(QueuesOf(service, rules));
    }
    for (const auto& [intent, queue] : rules.routes) out.rules.push_back({service, intent, queue});
  }
  return out;
}

Status ValidateRuleSet(const RoutingRuleSet& rules, const Taxonomy& taxonomy) {
  std::set<std::string> services;
  bool has_default = false;
  for (const ServiceQueues& q : rules.services) {
    PLUME_RETURN_IF_ERROR(CheckName(q.service, "Nom de service"));
    PLUME_RETURN_IF_ERROR(CheckName(q.default_queue, "File par défaut"));
    PLUME_RETURN_IF_ERROR(CheckName(q.qualification_queue, "File « À qualifier »"));
    if (!services.insert(q.service).second) {
      return InvalidArgument("Le service " + ServiceLabel(q.service) + " apparaît deux fois.");
    }
    if (q.service.empty() && !util::Trim(q.default_queue).empty()) has_default = true;
    if (q.min_confidence_permille &&
        (*q.min_confidence_permille < 0 || *q.min_confidence_permille > 1000)) {
      return InvalidArgument("Le seuil de confiance de " + ServiceLabel(q.service) +
                             " doit être compris entre 0 et 1000 pour mille.");
    }
  }
  if (!has_default) {
    return InvalidArgument("La file par défaut commune à tous les services est obligatoire.");
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const RoutingRule& r : rules.rules) {
    PLUME_RETURN_IF_ERROR(CheckName(r.service, "Nom de service"));
    PLUME_RETURN_IF_ERROR(CheckName(r.queue, "Nom de file"));
    if (!taxonomy.Contains(r.intent) && r.intent != kToQualifyIntent) {
      return InvalidArgument("Intention inconnue « " +
                             std::string(util::TruncateUtf8(r.intent, 100)) +
                             " » : choisissez une intention de la liste.");
    }
    if (util::Trim(r.queue).empty()) {
      return InvalidArgument("La file de la règle « " + taxonomy.NameOf(r.intent) + " » (" +
                             ServiceLabel(r.service) + ") est vide.");
    }
    if (!seen.insert({r.service, r.intent}).second) {
      return InvalidArgument("Deux règles pour l'intention « " + taxonomy.NameOf(r.intent) +
                             " » (" + ServiceLabel(r.service) + ").");
    }
  }
  return Status::Ok();
}

Result<RouteDecision> ClassifyAndRoute(Message* message, const IntentClassifier* classifier,
                                       const RoutingConfig& config) {
  IntentPrediction p;
  if (classifier != nullptr) {
    PLUME_ASSIGN_OR_RETURN(p, PredictMessageIntent(*message, *classifier));
  } else if (!message->intent.empty() && message->intent != kToQualifyIntent) {
    p.label = message->intent;
    p.confidence = 1;
    p.top = {{message->intent, 1}};
  } else {
    p.label = std::string(kToQualifyIntent);
    p.to_qualify = true;
    p.reason = "aucun modèle d'intention";
  }
  RouteDecision d = ApplyRules(config, message->service, p);
  if (classifier != nullptr || !message->intent.empty()) message->intent = d.intent;
  message->queue = d.queue;
  return d;
}

std::string QueueForIntent(const RoutingConfig& config, std::string_view service,
                           std::string_view intent) {
  IntentPrediction p;
  p.label = std::string(intent);
  p.confidence = 1;
  p.top = {{std::string(intent), 1}};
  return ApplyRules(config, service, p).queue;
}

Result<std::shared_ptr<const RoutingConfig>> StoreRouter::Config() const {
  // Version first: rules read afterwards are at least this new, so caching them under it never
  // hides an edit (at worst the next message reads them once more).
  PLUME_ASSIGN_OR_RETURN(int64_t version, store_.RoutingVersion());
  {
    std::lock_guard lock(mu_);
    if (cached_ && cached_version_ == version) return cached_;
  }
  PLUME_ASSIGN_OR_RETURN(RoutingRuleSet rules, store_.GetRoutingRules());
  auto config = std::make_shared<const RoutingConfig>(ConfigFromRuleSet(rules));
  std::lock_guard lock(mu_);
  if (!cached_version_ || *cached_version_ <= version) {
    cached_version_ = version;
    cached_ = config;
  }
  return config;
}

Status StoreRouter::Route(Message* message) const {
  PLUME_ASSIGN_OR_RETURN(std::shared_ptr<const RoutingConfig> config, Config());
  std::shared_ptr<const IntentClassifier> model;  // keeps a swapped-out model alive meanwhile
  const IntentClassifier* classifier = classifier_;
  if (swappable_ != nullptr) {
    model = swappable_->Current();
    classifier = model.get();
  }
  return ClassifyAndRoute(message, classifier, *config).status();
}

Result<Message> CorrectIntent(Store& store, const Taxonomy& taxonomy,
                              const privacy::Pseudonymizer& pseudonymizer, const Message& message,
                              const IntentCorrectionRequest& request) {
  if (!taxonomy.Contains(request.label)) {
    return InvalidArgument("Intention inconnue « " +
                           std::string(util::TruncateUtf8(request.label, 100)) +
                           " » : choisissez une intention de la liste.");
  }
  std::string text = message.subject.empty() ? message.body : message.subject + "\n" + message.body;
  text = std::string(util::TruncateUtf8(text, kMaxIntentTextBytes));
  privacy::PseudonymizeHints hints{message.sender_name, message.sender_email};
  PLUME_ASSIGN_OR_RETURN(privacy::Pseudonymized pseudo, pseudonymizer.Pseudonymize(text, hints));
  PLUME_ASSIGN_OR_RETURN(RoutingRuleSet rules, store.GetRoutingRules());
  const std::string queue =
      QueueForIntent(ConfigFromRuleSet(rules), message.service, request.label);
  IntentCorrectionRecord c;
  c.message_id = message.id;
  c.text = pseudo.text;
  c.label = request.label;
  c.predicted = message.intent;
  c.agent = request.agent;
  c.created_at_ms = request.now_ms;
  AuditEntry audit;
  audit.at_ms = request.now_ms;
  audit.service = message.service;
  audit.agent = request.agent;
  audit.action = "intent_corrected";
  audit.detail =
      fmt::format("{} -> {} (file {} -> {})", message.intent.empty() ? "(aucune)" : message.intent,
                  request.label, message.queue.empty() ? "(aucune)" : message.queue, queue);
  PLUME_ASSIGN_OR_RETURN(int64_t id, store.RecordIntentCorrection(c, queue, audit));
  (void)id;
  return store.GetMessage(message.id);
}

}  // namespace plume::intent
