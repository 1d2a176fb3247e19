// The README's "Using it from C++" example, compiled and run: the block
// between the markers below is the README's code, line for line (the second
// test checks that), so the first page a user reads cannot go stale.
#include <fstream>
#include <sstream>
#include <string>

#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::ElementsAre;

TEST(ReadmeExample, TheCppQuickStartRunsAndHoldsWhatItClaims) {
  // README-BEGIN
warren::Simulation sim({.seed = 7});
warren::Connection conn = sim.Connect("billing");
warren::Channel ch = *conn.OpenChannel();
(void)ch.QueueDeclare("dlq");
(void)ch.QueueDeclare("invoices", {.settings = {.message_ttl = absl::Seconds(30),
                                                .dead_letter_exchange = "",
                                                .dead_letter_routing_key = "dlq"}});
(void)ch.BasicPublish({.routing_key = "invoices", .body = "inv-1"});
(void)sim.RunFor(absl::Seconds(30));            // virtual: returns at once
EXPECT_THAT(sim.Messages("dlq"),                // NOT_FOUND for a typo such as "dql"
            IsOkAndHolds(ElementsAre(HasXDeath({{"invoices", "expired", 1}}))));
EXPECT_EQ(sim.Queue("invoices")->settings.message_ttl, absl::Seconds(30));
  // README-END
  EXPECT_THAT(sim.CheckInvariants(), IsOk());
}

TEST(ReadmeExample, TheReadmeShowsTheCodeThisTestRuns) {
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  const std::string self = read(std::string(WARREN_SOURCE_DIR) + "/tests/api/readme_example_test.cc");
  const std::string readme = read(std::string(WARREN_SOURCE_DIR) + "/README.md");
  const std::string begin = "// README-BEGIN\n", end = "  // README-END";
  const size_t b = self.find(begin), e = self.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::string code = self.substr(b + begin.size(), e - b - begin.size());
  EXPECT_NE(readme.find(code), std::string::npos)
      << "README.md's C++ example differs from tests/api/readme_example_test.cc:\n" << code;
}

}  // namespace
}  // namespace warren::testing
