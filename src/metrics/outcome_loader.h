// Reads the records ComputeOutcomes needs from a Store.
//
// Thread-safety: as safe as the Store (all Store methods are thread-safe).
#pragma once

#include "metrics/outcomes.h"
#include "plume/store.h"

namespace plume::metrics {

// Loads every message of query.service (all services when unset) received before query.to_ms,
// with their drafts and decisions, plus the satisfaction ratings of replies decided in the period
// and the draft feedback given in it, into an OutcomeInput carrying `query`. Messages received
// before from_ms are read too, because their replies may fall inside the period.
// Cost: three queries per 1000 messages (the page, its drafts, its decisions), plus two.
// Errors: those of the Store.
Result<OutcomeInput> LoadOutcomeInput(Store& store, const OutcomeQuery& query);

}  // namespace plume::metrics
