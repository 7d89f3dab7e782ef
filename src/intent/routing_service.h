// Routing with the rules stored in the Store (issue #6): the one entry point every arrival path
// (HTTP API, e-mail poll, imports) calls, the validation of rules edited by admins, and agents'
// corrections of a predicted intent.
//
// Stored rules (RoutingRuleSet, service "" = every service) and the TOML rules of router.h are
// the same model: ConfigFromRuleSet / RuleSetFromConfig convert between them, so `plume intent
// routing-import` can bootstrap the store from a TOML file.
//
// Thread-safety: free functions without shared state; StoreRouter::Route may be called
// concurrently (the store and the classifier are thread-safe).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "intent/router.h"
#include "intent/swappable_classifier.h"
#include "intent/taxonomy.h"
#include "plume/intent.h"
#include "plume/message.h"
#include "plume/status.h"
#include "plume/store.h"
#include "privacy/pseudonymizer.h"

namespace plume::intent {

// Queues used while no rule was saved (fresh installation).
inline constexpr std::string_view kFallbackQueue = "accueil";
inline constexpr std::string_view kFallbackQualificationQueue = "a-qualifier";
// Longest queue or service name accepted in rules.
inline constexpr size_t kMaxQueueNameBytes = 100;

// Stored rules as a RoutingConfig. Without a shared default queue, kFallbackQueue (and
// kFallbackQualificationQueue when no shared qualification queue is set).
RoutingConfig ConfigFromRuleSet(const RoutingRuleSet& rules);
// The reverse, ordered like the store returns them.
RoutingRuleSet RuleSetFromConfig(const RoutingConfig& config);

// Checks rules edited by an admin. kInvalidArgument with a French message for: an intent that is
// neither a taxonomy id nor "a-qualifier", an empty (or blank) queue, a queue or service name
// longer than kMaxQueueNameBytes or not valid UTF-8, a duplicate rule or service, a threshold
// outside 0..1000 per mille, a missing shared default queue.
Status ValidateRuleSet(const RoutingRuleSet& rules, const Taxonomy& taxonomy);

// Classifies `message` with `classifier` (when not null) and applies `config`: sets
// message->intent (a taxonomy id or "a-qualifier") and message->queue. Without a classifier the
// intent stays as given and the message goes to the qualification queue unless its intent is
// already set. Errors: kInternal from the model.
Result<RouteDecision> ClassifyAndRoute(Message* message, const IntentClassifier* classifier,
                                       const RoutingConfig& config);

// The queue of a message of `service` whose intent a human set to `intent` (no threshold).
std::string QueueForIntent(const RoutingConfig& config, std::string_view service,
                           std::string_view intent);

// MessageRouter with the rules stored in the store, cached per node: each call reads only
// Store::RoutingVersion and reads the rules again when it moved, so an admin's edit made on any
// node applies to the next message. Borrows `store` and `classifier` (may be null; a
// SwappableClassifier follows newly published models), which must outlive it.
class StoreRouter final : public MessageRouter {
 public:
  StoreRouter(Store& store, const IntentClassifier* classifier)
      : store_(store), classifier_(classifier) {}
  StoreRouter(Store& store, const SwappableClassifier& classifier)
      : store_(store), classifier_(&classifier), swappable_(&classifier) {}
  Status Route(Message* message) const override;
  const IntentClassifier* classifier() const { return classifier_; }

 private:
  // The rules of the store's current routing version. Errors: those of the store.
  Result<std::shared_ptr<const RoutingConfig>> Config() const;

  Store& store_;
  const IntentClassifier* classifier_;
  const SwappableClassifier* swappable_ = nullptr;
  mutable std::mutex mu_;
  mutable std::optional<int64_t> cached_version_;  // guarded by mu_
  // shared_ptr: a Route() in flight keeps the rules it read while another installs newer ones.
  mutable std::shared_ptr<const RoutingConfig> cached_;  // guarded by mu_
};

struct IntentCorrectionRequest {
  std::string label;  // corrected intent: a taxonomy id
  std::string agent;  // login of the agent
  int64_t now_ms = 0;
};

// Records an agent's correction of `message`'s intent: checks the label against the taxonomy
// (kInvalidArgument, French message), pseudonymises subject + body (the stored training text
// holds no personal data), computes the new queue from the stored rules, and stores correction,
// new intent and queue and an audit line ("intent_corrected") in one transaction. Returns the
// updated message. Errors: those of the pseudonymiser and the store (kNotFound...).
Result<Message> CorrectIntent(Store& store, const Taxonomy& taxonomy,
                              const privacy::Pseudonymizer& pseudonymizer, const Message& message,
                              const IntentCorrectionRequest& request);

}  // namespace plume::intent
