#include "intent/router.h"

#define TOML_EXCEPTIONS 1
#include <fmt/core.h>
#include <toml++/toml.h>

#include "util/files.h"
#include "util/text.h"

namespace plume::intent {
namespace {

Status ErrorAt(std::string_view source, const toml::node& node, const std::string& message) {
  return InvalidArgument(
      fmt::format("{}, ligne {} : {}", source, node.source().begin.line, message));
}

Status ParseRules(const toml::table& table, std::string_view source, std::string_view where,
                  const Taxonomy& taxonomy, bool allow_services, QueueRules* out) {
  for (const auto& [key, node] : table) {
    std::string k(key.str());
    if (k == "default_queue" || k == "qualification_queue") {
      const auto* s = node.as_string();
      if (s == nullptr || util::Trim(s->get()).empty()) {
        return ErrorAt(source, node,
                       fmt::format("« {}{} » doit être un nom de file non vide", where, k));
      }
      (k == "default_queue" ? out->default_queue : out->qualification_queue) = s->get();
    } else if (k == "min_confidence") {
      std::optional<double> v = node.value<double>();
      if (!v || *v < 0 || *v > 1) {
        return ErrorAt(source, node,
                       fmt::format("« {}min_confidence » doit être un nombre entre 0 et 1", where));
      }
      out->min_confidence = *v;
    } else if (k == "routes") {
      const auto* routes = node.as_table();
      if (routes == nullptr) {
        return ErrorAt(source, node, fmt::format("« {}routes » doit être une table", where));
      }
      for (const auto& [intent, queue] : *routes) {
        std::string id(intent.str());
        if (!taxonomy.Contains(id) && id != kToQualifyIntent) {
          return ErrorAt(
              source, queue,
              fmt::format("intention inconnue « {} » (voir resources/intent/taxonomy.json)", id));
        }
        const auto* q = queue.as_string();
        if (q == nullptr || util::Trim(q->get()).empty()) {
          return ErrorAt(
              source, queue,
              fmt::format("la file de l'intention « {} » doit être un texte non vide", id));
        }
        out->routes[id] = q->get();
      }
    } else if (k == "services" && allow_services) {
      continue;  // handled by the caller
    } else {
      return ErrorAt(source, node, fmt::format("clé inconnue « {}{} »", where, k));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<RoutingConfig> ParseRoutingConfig(std::string_view toml_text, std::string_view source_name,
                                         const Taxonomy& taxonomy) {
  if (!util::IsValidUtf8(toml_text)) {
    return InvalidArgument(fmt::format("{} : le fichier n'est pas en UTF-8 valide", source_name));
  }
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("{}, ligne {} : syntaxe TOML invalide ({})", source_name,
                                       e.source().begin.line, e.description()));
  }
  RoutingConfig config;
  PLUME_RETURN_IF_ERROR(ParseRules(root, source_name, "", taxonomy, true, &config.global));
  if (config.global.default_queue.empty()) {
    return InvalidArgument(fmt::format("{} : « default_queue » est obligatoire", source_name));
  }
  if (const toml::node* services = root.get("services")) {
    const auto* table = services->as_table();
    if (table == nullptr)
      return ErrorAt(source_name, *services, "« services » doit être une table");
    for (const auto& [name, node] : *table) {
      const auto* rules = node.as_table();
      std::string where = fmt::format("services.{}.", name.str());
      if (rules == nullptr) {
        return ErrorAt(source_name, node,
                       fmt::format("« services.{} » doit être une table", name.str()));
      }
      QueueRules r;
      PLUME_RETURN_IF_ERROR(ParseRules(*rules, source_name, where, taxonomy, false, &r));
      config.services.emplace(std::string(name.str()), std::move(r));
    }
  }
  return config;
}

Result<RoutingConfig> LoadRoutingConfig(const std::filesystem::path& file,
                                        const Taxonomy& taxonomy) {
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file, 1u << 20));
  return ParseRoutingConfig(text, file.string(), taxonomy);
}

RouteDecision ApplyRules(const RoutingConfig& config, std::string_view service,
                         const IntentPrediction& prediction) {
  const QueueRules* rules = nullptr;
  std::string prefix;
  if (auto it = config.services.find(std::string(service)); it != config.services.end()) {
    rules = &it->second;
    prefix = "services." + it->first + ".";
  }
  auto pick = [&](auto field) -> std::string {
    if (rules != nullptr && !(rules->*field).empty()) return rules->*field;
    return config.global.*field;
  };
  std::string default_queue = pick(&QueueRules::default_queue);
  std::string qualification_queue = pick(&QueueRules::qualification_queue);
  if (qualification_queue.empty()) qualification_queue = default_queue;
  std::optional<double> min_conf = rules != nullptr && rules->min_confidence
                                       ? rules->min_confidence
                                       : config.global.min_confidence;

  RouteDecision d;
  d.prediction = prediction;
  d.intent = prediction.label;
  d.confidence = prediction.confidence;
  d.to_qualify = prediction.to_qualify;
  // A service threshold replaces the model's, except when the model saw no evidence at all.
  bool has_evidence = !prediction.top.empty() && prediction.confidence > 0;
  if (min_conf && has_evidence) {
    const IntentScore& best = prediction.top[0];
    d.confidence = best.confidence;
    d.to_qualify = best.confidence < *min_conf;
    d.intent = d.to_qualify ? std::string(kToQualifyIntent) : best.label;
    d.prediction.reason = d.to_qualify ? "confiance inférieure au seuil du service" : "";
  }
  if (d.to_qualify) {
    d.intent = std::string(kToQualifyIntent);
    d.queue = qualification_queue;
    d.rule = "qualification_queue";
    return d;
  }
  if (rules != nullptr) {
    if (auto it = rules->routes.find(d.intent); it != rules->routes.end()) {
      d.queue = it->second;
      d.rule = prefix + "routes." + d.intent;
      return d;
    }
  }
  if (auto it = config.global.routes.find(d.intent); it != config.global.routes.end()) {
    d.queue = it->second;
    d.rule = "routes." + d.intent;
    return d;
  }
  d.queue = default_queue;
  d.rule = prefix + "default_queue";
  return d;
}

Result<IntentPrediction> PredictMessageIntent(const Message& message,
                                              const IntentClassifier& classifier) {
  std::string text = message.subject;
  if (!text.empty()) text += "\n";
  text += message.body;
  text = std::string(util::TruncateUtf8(text, kMaxIntentTextBytes));
  auto prediction = classifier.Predict(text, 3);
  if (!prediction.ok()) {
    if (prediction.status().code() != StatusCode::kInvalidArgument) return prediction.status();
    IntentPrediction p;
    p.label = std::string(kToQualifyIntent);
    p.to_qualify = true;
    p.reason = prediction.status().message();
    return p;
  }
  return prediction;
}

Result<RouteDecision> Router::Route(const Message& message) const {
  PLUME_ASSIGN_OR_RETURN(IntentPrediction p, PredictMessageIntent(message, classifier_));
  return Apply(message.service, p);
}

}  // namespace plume::intent
