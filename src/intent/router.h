// Router: sends an incoming message to a team queue from its predicted intent.
//
// Rules live in the Store (edited by admins on the web, see routing_service.h); this TOML form
// (resources/intent/routing.example.toml) bootstraps them with `plume intent routing-import` and
// is what `plume intent routing-check` validates:
//
//   default_queue = "accueil"            # required: queue when no rule matches
//   qualification_queue = "a-qualifier"  # optional: queue for "À qualifier" (default:
//   default_queue) min_confidence = 0.5                 # optional: overrides the model threshold
//   [services."prefecture-69"]           # Message::service
//   default_queue = "accueil-69"         # optional, same keys as above, per service
//   [services."prefecture-69".routes]
//   etranger = "bureau-des-etrangers"    # intent id (taxonomy) -> queue
//
// Validation errors are kInvalidArgument with French messages naming the file and line.
//
// Thread-safety: Route() may be called concurrently (immutable config, thread-safe classifier).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "intent/taxonomy.h"
#include "plume/intent.h"
#include "plume/message.h"
#include "plume/status.h"

namespace plume::intent {

struct QueueRules {
  std::string default_queue;
  std::string qualification_queue;
  std::optional<double> min_confidence;
  std::map<std::string, std::string> routes;  // intent id -> queue
};

struct RoutingConfig {
  QueueRules global;
  std::map<std::string, QueueRules> services;  // service name -> rules (empty fields inherit)
};

// `source_name` is used in error messages ("routing.toml").
Result<RoutingConfig> ParseRoutingConfig(std::string_view toml_text, std::string_view source_name,
                                         const Taxonomy& taxonomy);
Result<RoutingConfig> LoadRoutingConfig(const std::filesystem::path& file,
                                        const Taxonomy& taxonomy);

struct RouteDecision {
  std::string queue;
  std::string intent;  // taxonomy id or kToQualifyIntent
  double confidence = 0;
  bool to_qualify = false;
  std::string rule;  // which rule applied, in French ("services.prefecture-69.routes.etranger")
  IntentPrediction prediction;
};

// Classifies subject + body (truncated to kMaxIntentTextBytes). A text the classifier rejects
// (no word, invalid UTF-8) gives a kToQualifyIntent prediction with the reason. Errors: kInternal
// from the model.
Result<IntentPrediction> PredictMessageIntent(const Message& message,
                                              const IntentClassifier& classifier);

// The rules of `config` for `service` (global rules when the service has none) applied to a
// prediction. Pure function of its arguments.
RouteDecision ApplyRules(const RoutingConfig& config, std::string_view service,
                         const IntentPrediction& prediction);

class Router {
 public:
  // Borrows `classifier`, which must outlive the router.
  Router(RoutingConfig config, const IntentClassifier& classifier)
      : config_(std::move(config)), classifier_(classifier) {}

  // Classifies subject + body (truncated to kMaxIntentTextBytes) and applies the rules of
  // message.service (global rules when the service has none). A message the classifier rejects
  // (no word, invalid UTF-8) goes to the qualification queue. Errors: kInternal from the model.
  Result<RouteDecision> Route(const Message& message) const;
  // The rules alone, for a given prediction.
  RouteDecision Apply(std::string_view service, const IntentPrediction& prediction) const {
    return ApplyRules(config_, service, prediction);
  }

 private:
  RoutingConfig config_;
  const IntentClassifier& classifier_;
};

}  // namespace plume::intent
