#include "metrics/outcome_loader.h"

namespace plume::metrics {

Result<OutcomeInput> LoadOutcomeInput(Store& store, const OutcomeQuery& query) {
  OutcomeInput in;
  in.query = query;
  MessageFilter filter;
  filter.service = query.service;
  filter.received_to_ms = query.to_ms;
  filter.limit = 1000;
  while (true) {
    PLUME_ASSIGN_OR_RETURN(std::vector<Message> page, store.ListMessages(filter));
    for (Message& m : page) {
      PLUME_ASSIGN_OR_RETURN(std::vector<Draft> drafts, store.ListDrafts(m.id));
      for (Draft& d : drafts) in.drafts.push_back(std::move(d));
      PLUME_ASSIGN_OR_RETURN(std::vector<Decision> decisions, store.ListDecisions(m.id));
      for (Decision& d : decisions) in.decisions.push_back(std::move(d));
      in.messages.push_back(std::move(m));
    }
    if (page.size() < static_cast<size_t>(filter.limit)) break;
    filter.after_id = in.messages.back().id;
  }
  const OutcomeRecordFilter records{query.service.value_or(""), query.from_ms, query.to_ms};
  PLUME_ASSIGN_OR_RETURN(in.ratings, store.ListSatisfactionRatings(records));
  PLUME_ASSIGN_OR_RETURN(in.feedback, store.ListDraftFeedback(records));
  return in;
}

}  // namespace plume::metrics
