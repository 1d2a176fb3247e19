// Names are bytes to AMQP; Warren's JSON must stay valid UTF-8 and its
// terminal output free of raw control bytes.
#include "sim/core/utf8.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "warren/trace.h"

namespace warren::internal {
namespace {

TEST(Utf8, WellFormedSequencesAreRecognisedAndMalformedOnesAreNot) {
  EXPECT_EQ(Utf8SequenceAt("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceAt("\xc3\xa9", 0), 2u);          // é
  EXPECT_EQ(Utf8SequenceAt("\xe2\x82\xac", 0), 3u);      // €
  EXPECT_EQ(Utf8SequenceAt("\xf0\x9f\x90\x87", 0), 4u);  // a rabbit
  for (std::string_view bad : {"\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                               "\xf4\x90\x80\x80", "\xc3", "\x80"}) {
    EXPECT_EQ(Utf8SequenceAt(bad, 0), 0u) << nlohmann::json(std::string(bad)).dump(
                                                 -1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace);
  }
}

TEST(Utf8, TerminalTextEscapesControlBytesAnsiEscapesAndInvalidBytes) {
  using std::string_view_literals::operator""sv;
  EXPECT_EQ(PrintableText("q\x1b[31mred\x00x\xff^a\\.caf\xc3\xa9"sv),
            "q\\x1b[31mred\\x00x\\xff^a\\.caf\xc3\xa9");
  EXPECT_EQ(PrintableText("a\x7f"), "a\\x7f");
}

TEST(Utf8, APrefixNeverEndsInsideACodePoint) {
  EXPECT_EQ(Utf8Prefix("ab\xc3\xa9", 3), "ab");
  EXPECT_EQ(Utf8Prefix("ab\xc3\xa9", 4), "ab\xc3\xa9");
  EXPECT_EQ(Utf8Prefix("\xe2\x82\xac\xe2\x82\xac", 5), "\xe2\x82\xac");
}

TEST(Utf8, TraceLinesAreValidJsonWhateverBytesANameHolds) {
  TraceEvent e;
  e.queue = std::string("q\xff\x00\xc3", 4);
  e.detail = "caf\xc3\xa9";
  std::string line = ToJsonLine(e);
  nlohmann::json parsed = nlohmann::json::parse(line);  // throws on invalid UTF-8
  // Each byte that is not UTF-8 reads back as U+00XX; the NUL is \u0000.
  EXPECT_EQ(parsed["queue"].get<std::string>(), std::string("q\xc3\xbf\x00\xc3\x83", 6));
  EXPECT_EQ(parsed["detail"], "caf\xc3\xa9");
}

}  // namespace
}  // namespace warren::internal
