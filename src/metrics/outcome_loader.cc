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
    std::vector<int64_t> ids;
    ids.reserve(page.size());
    for (const Message& m : page) ids.push_back(m.id);
    PLUME_ASSIGN_OR_RETURN(std::vector<Draft> drafts, store.ListDraftsOfMessages(ids));
    for (Draft& d : drafts) in.drafts.push_back(std::move(d));
    PLUME_ASSIGN_OR_RETURN(std::vector<Decision> decisions, store.ListDecisionsOfMessages(ids));
    for (Decision& d : decisions) in.decisions.push_back(std::move(d));
    for (Message& m : page) in.messages.push_back(std::move(m));
    if (page.size() < static_cast<size_t>(filter.limit)) break;
    filter.after_id = in.messages.back().id;
  }
  const OutcomeRecordFilter records{query.service.value_or(""), query.from_ms, query.to_ms};
  PLUME_ASSIGN_OR_RETURN(in.ratings, store.ListSatisfactionRatings(records));
  PLUME_ASSIGN_OR_RETURN(in.feedback, store.ListDraftFeedback(records));
  return in;
}

}  // namespace plume::metrics
