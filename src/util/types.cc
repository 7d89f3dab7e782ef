// String forms of the enums in plume/message.h and helpers of plume/knowledge.h.
#include <array>
#include <string_view>
#include <utility>

#include "plume/knowledge.h"
#include "plume/message.h"

namespace plume {
namespace {

constexpr std::array<std::pair<MessageStatus, std::string_view>, 4> kStatusNames{{
    {MessageStatus::kNew, "new"},
    {MessageStatus::kInProgress, "in_progress"},
    {MessageStatus::kAnswered, "answered"},
    {MessageStatus::kClosed, "closed"},
}};
constexpr std::array<std::pair<Channel, std::string_view>, 5> kChannelNames{{
    {Channel::kApi, "api"},
    {Channel::kWebForm, "web_form"},
    {Channel::kFeedback, "feedback"},
    {Channel::kEmail, "email"},
    {Channel::kImport, "import"},
}};
constexpr std::array<std::pair<DecisionKind, std::string_view>, 4> kDecisionNames{{
    {DecisionKind::kAccepted, "accepted"},
    {DecisionKind::kEdited, "edited"},
    {DecisionKind::kDiscarded, "discarded"},
    {DecisionKind::kWrittenWithoutAi, "written_without_ai"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, size_t N>
bool Parse(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text,
           E* out) {
  for (const auto& [v, name] : table) {
    if (name == text) {
      *out = v;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view ToString(MessageStatus s) { return NameOf(kStatusNames, s); }
std::string_view ToString(Channel c) { return NameOf(kChannelNames, c); }
std::string_view ToString(DecisionKind k) { return NameOf(kDecisionNames, k); }
bool ParseMessageStatus(std::string_view text, MessageStatus* out) {
  return Parse(kStatusNames, text, out);
}
bool ParseChannel(std::string_view text, Channel* out) { return Parse(kChannelNames, text, out); }
bool ParseDecisionKind(std::string_view text, DecisionKind* out) {
  return Parse(kDecisionNames, text, out);
}

std::string KnowledgeDocument::FullText() const {
  std::string out = title;
  auto add = [&out](const std::string& s) {
    if (s.empty()) return;
    out += '\n';
    out += s;
  };
  add(description);
  add(introduction);
  for (const auto& s : sections) add(s.text);
  return out;
}

}  // namespace plume
