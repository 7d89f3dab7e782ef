// IntentClassifier: predicts the theme of a citizen's message, so it reaches the right team and
// the drafting engine can pick reply templates and narrow retrieval.
//
// Labels are taxonomy ids (resources/intent/taxonomy.json: "etranger", "travail"...). Below the
// classifier's confidence threshold the prediction is the pseudo-label kToQualifyIntent ("À
// qualifier"): a human decides; the best guess stays visible in `top`.
//
// Implementations: intent::FastTextClassifier (default, src/intent/fasttext_classifier.h) and
// intent::Bm25ThemeClassifier (baseline: theme of the nearest retrieved fiche).
//
// Thread-safety: Predict() is safe to call concurrently once the classifier is constructed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"

namespace plume {

struct Message;  // plume/message.h

inline constexpr std::string_view kToQualifyIntent = "a-qualifier";
// Longest text accepted by Predict (callers routing long messages truncate first).
inline constexpr size_t kMaxIntentTextBytes = 16 * 1024;

struct IntentScore {
  std::string label;
  double confidence = 0;  // in [0, 1]
};

struct IntentPrediction {
  std::string label;        // a taxonomy id, or kToQualifyIntent when below the threshold
  double confidence = 0;    // confidence of the best label (top[0]); 0 when no word is known
  bool to_qualify = false;  // true when label == kToQualifyIntent
  std::string reason;       // why it must be qualified (French, for the agent); empty otherwise
  std::vector<IntentScore> top;  // best first, at most k entries; may be empty
};

class IntentClassifier {
 public:
  virtual ~IntentClassifier() = default;
  // `k` in 1..20 best labels in `top`. Errors: kInvalidArgument for an empty, oversized
  // (> kMaxIntentTextBytes), non-UTF-8 text, a text without any letter or digit, or a bad k;
  // kInternal on an unexpected model failure.
  virtual Result<IntentPrediction> Predict(std::string_view text, int k = 3) const = 0;
  // "fasttext v3", "bm25-vote5".
  virtual std::string Name() const = 0;
};

// Sets Message::intent and Message::queue of an arriving message before it is stored (issue #6).
// Implementation: intent::StoreRouter (src/intent/routing_service.h), rules read from the Store.
// The arrival paths (HTTP API, e-mail poll, imports) call it when one is configured.
// Thread-safety: Route() may be called concurrently.
class MessageRouter {
 public:
  virtual ~MessageRouter() = default;
  // Errors: those of the rule store (kUnavailable...) and kInternal from the model; a text the
  // model cannot read is not an error (the message goes to the qualification queue).
  virtual Status Route(Message* message) const = 0;
};

}  // namespace plume
