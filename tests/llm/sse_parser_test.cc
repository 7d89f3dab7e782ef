#include "llm/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace plume::llm {
namespace {

std::vector<SseEvent> ParseInPieces(const std::string& stream, const std::vector<size_t>& cuts) {
  SseParser parser;
  std::vector<SseEvent> events;
  size_t start = 0;
  for (size_t cut : cuts) {
    EXPECT_TRUE(parser.Feed(std::string_view(stream).substr(start, cut - start), &events).ok());
    start = cut;
  }
  EXPECT_TRUE(parser.Feed(std::string_view(stream).substr(start), &events).ok());
  parser.Finish(&events);
  return events;
}

std::vector<std::string> Data(const std::vector<SseEvent>& events) {
  std::vector<std::string> out;
  for (const SseEvent& event : events) out.push_back(event.data);
  return out;
}

// An OpenAI-style stream mixing "\n", "\r\n" and lone "\r" endings, comments and a multi-line
// event.
const std::string kStream =
    ": keep-alive\r\n"
    "\r\n"
    "data: {\"a\":1}\r\n\r\n"
    "data:{\"b\":2}\n\n"
    "event: message\rid: 7\rdata: line1\rdata: line2\r\r"
    ": ping\n"
    "data: [DONE]\n\n";

const std::vector<std::string> kExpected = {"{\"a\":1}", "{\"b\":2}", "line1\nline2", "[DONE]"};

TEST(SseParserTest, ParsesWholeStream) {
  std::vector<SseEvent> events = ParseInPieces(kStream, {});
  EXPECT_EQ(Data(events), kExpected);
  EXPECT_EQ(events[2].event, "message");
  EXPECT_EQ(events[2].id, "7");
}

TEST(SseParserTest, SameEventsForEverySplitIntoTwoOrThreePieces) {
  for (size_t i = 0; i <= kStream.size(); ++i) {
    EXPECT_EQ(Data(ParseInPieces(kStream, {i})), kExpected) << "split at " << i;
    for (size_t j = i; j <= kStream.size(); j += 7) {
      EXPECT_EQ(Data(ParseInPieces(kStream, {i, j})), kExpected) << "split at " << i << "," << j;
    }
  }
}

TEST(SseParserTest, ByteByByte) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < kStream.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(Data(ParseInPieces(kStream, cuts)), kExpected);
}

TEST(SseParserTest, CrLfSplitAcrossFeedsIsOneLineEnding) {
  SseParser parser;
  std::vector<SseEvent> events;
  ASSERT_TRUE(parser.Feed("data: x\r", &events).ok());
  // Were "\r" and "\n" two line endings, the blank line between them would dispatch "x" alone.
  ASSERT_TRUE(parser.Feed("\ndata: y\r", &events).ok());
  ASSERT_TRUE(parser.Feed("\n\r", &events).ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x\ny");
  ASSERT_TRUE(parser.Feed("\n", &events).ok());
  EXPECT_EQ(events.size(), 1u);
}

TEST(SseParserTest, IgnoresEventsWithoutDataAndUnknownFields) {
  std::vector<SseEvent> events =
      ParseInPieces("event: ping\n\nretry: 1000\nfoo: bar\ndata\n\n", {});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "");
}

TEST(SseParserTest, StripsOnlyOneSpaceAfterColon) {
  std::vector<SseEvent> events = ParseInPieces("data:   x \n\n", {});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "  x ");
}

TEST(SseParserTest, FinishFlushesUnterminatedTail) {
  SseParser parser;
  std::vector<SseEvent> events;
  ASSERT_TRUE(parser.Feed("data: a\n\ndata: [DONE]", &events).ok());
  EXPECT_EQ(events.size(), 1u);
  EXPECT_TRUE(parser.HasPendingData());
  parser.Finish(&events);
  EXPECT_EQ(Data(events), (std::vector<std::string>{"a", "[DONE]"}));
  EXPECT_FALSE(parser.HasPendingData());
}

TEST(SseParserTest, RejectsOverlongLine) {
  SseParser parser(16);
  std::vector<SseEvent> events;
  ASSERT_TRUE(parser.Feed("data: 0123456", &events).ok());
  Status status = parser.Feed("789abcdef", &events);
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
}

TEST(SseParserTest, RejectsOverlongEventData) {
  SseParser parser(16);
  std::vector<SseEvent> events;
  ASSERT_TRUE(parser.Feed("data: 0123456789\n", &events).ok());
  Status status = parser.Feed("data: 0123456789\n", &events);
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace plume::llm
