// The streamed inbox list body against the nlohmann rendering it replaces (MessageJson,
// CountsJson, Dump): same value for every kind of text, same bytes for ordinary text.
#include "http/json_stream.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/api_support.h"
#include "util/text.h"

namespace plume::http {
namespace {

Message Sample(int64_t id, std::string body) {
  Message m;
  m.id = id;
  m.service = "prefecture-69";
  m.channel = Channel::kEmail;
  m.sender_name = "Jeanne Martin";
  m.sender_email = "jeanne.martin@example.fr";
  m.subject = "Carte d'identité « renouvellement »";
  m.body = std::move(body);
  m.received_at_ms = 1'763'900'000'123;
  m.status = MessageStatus::kInProgress;
  m.assigned_agent = "agent1";
  m.intent = "papiers";
  m.queue = "titres";
  return m;
}

std::string NlohmannBody(const std::vector<Message>& messages, const json& next,
                         const MessageCounts& counts) {
  json list = json::array();
  for (const auto& m : messages) list.push_back(MessageJson(m));
  return Dump(
      {{"messages", std::move(list)}, {"next_after_id", next}, {"counts", CountsJson(counts)}});
}

MessageCounts Counts() {
  MessageCounts c;
  c.new_messages = 4;
  c.in_progress = 3;
  c.answered = 2;
  c.closed = 1;
  return c;
}

TEST(JsonStreamTest, OrdinaryPageIsByteIdenticalToNlohmann) {
  std::vector<Message> page;
  page.push_back(Sample(7, "Bonjour,\n\nMa carte expire. Que faire ?\tMerci.\r\nJeanne"));
  page.push_back(Sample(9, "Guillemets \" et barre \\ oblique /, œuvre, €, 😀"));
  page.push_back(Sample(9'007'199'254'740'993, ""));
  page.back().status = MessageStatus::kNew;
  page.back().channel = Channel::kWebForm;
  EXPECT_EQ(MessageListBody(page, 42, Counts(), ListView::kFull), NlohmannBody(page, 42, Counts()));
  EXPECT_EQ(MessageListBody(page, std::nullopt, Counts(), ListView::kFull),
            NlohmannBody(page, nullptr, Counts()));
  EXPECT_EQ(MessageListBody({}, std::nullopt, MessageCounts{}, ListView::kFull),
            NlohmannBody({}, nullptr, MessageCounts{}));
}

TEST(JsonStreamTest, ControlCharactersAndInvalidUtf8GiveTheSameValue) {
  std::vector<Message> page;
  constexpr char kControls[] = "nul \0 bell \x07 esc \x1b del \x7f";
  page.push_back(Sample(1, std::string(kControls, sizeof(kControls) - 1)));
  page.push_back(Sample(2, "coupé \xc3 puis \xff\xfe et surrogate \xed\xa0\x80 fin"));
  page.back().sender_name = "Jos\xe9";  // Latin-1 that slipped through an import
  page.back().subject = std::string(300, 'a') + "\x80";
  const std::string streamed = MessageListBody(page, 2, Counts(), ListView::kFull);
  const json parsed = json::parse(streamed);  // throws (fails the test) on invalid JSON
  EXPECT_EQ(parsed, json::parse(NlohmannBody(page, 2, Counts())));
  EXPECT_EQ(parsed["messages"][1]["sender_name"], "Jos\xef\xbf\xbd");  // U+FFFD
  EXPECT_EQ(parsed["messages"][0]["body"], std::string(kControls, sizeof(kControls) - 1));
}

TEST(JsonStreamTest, SummaryReplacesTheBodyWithAnExcerpt) {
  std::vector<Message> page;
  page.push_back(Sample(3, "Bonjour,\n\n" + std::string(400, 'x')));
  page.push_back(Sample(4, "Court \xff message"));
  const json summary =
      json::parse(MessageListBody(page, std::nullopt, Counts(), ListView::kSummary));
  const json full = json::parse(NlohmannBody(page, nullptr, Counts()));
  ASSERT_EQ(summary["messages"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    json expected = full["messages"][i];
    expected.erase("body");
    expected["excerpt"] = util::Excerpt(page[i].body, kExcerptChars);
    EXPECT_EQ(summary["messages"][i], expected);
  }
  EXPECT_EQ(summary["messages"][0]["excerpt"],
            "Bonjour, " + std::string(kExcerptChars - 9, 'x') + "\u2026");
  EXPECT_EQ(summary["messages"][1]["excerpt"], "Court \ufffd message");
  EXPECT_EQ(summary["counts"], full["counts"]);
  EXPECT_TRUE(summary["next_after_id"].is_null());
}

}  // namespace
}  // namespace plume::http
