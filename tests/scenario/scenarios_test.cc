// Every shipped scenario holds its expectations, and runs twice to a
// byte-identical trace.
#include <filesystem>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "warren/scenario.h"
#include "warren/testing/matchers.h"

namespace warren {
namespace {

// The shipped scenarios and the conformance suite's (which also run
// against a real RabbitMQ, see tests/conformance/).
std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  for (const char* dir : {WARREN_SCENARIO_DIR, WARREN_CONFORMANCE_DIR}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".json" && entry.path().filename() != "schema.json") {
        files.push_back(entry.path().string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Jsonl(const ScenarioResult& r) {
  std::ostringstream out;
  WriteJsonLines(r.trace, out);
  return out.str();
}

// Loads and runs an inline scenario; a load error fails the test and gives
// an empty result.
ScenarioResult RunInline(std::string_view json) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(json, "inline.json");
  EXPECT_THAT(spec, testing::IsOk());
  return spec.ok() ? RunScenario(*spec) : ScenarioResult{};
}

class ShippedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedScenario, HoldsItsExpectationsAndIsDeterministic) {
  absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(GetParam());
  ASSERT_THAT(spec, testing::IsOk());
  EXPECT_FALSE(spec->expectations.empty()) << "a scenario must check something";
  ScenarioResult first = RunScenario(*spec);
  for (const std::string& e : first.step_errors) ADD_FAILURE() << "step error: " << e;
  for (const ExpectationFailure& f : first.failures) ADD_FAILURE() << f.pointer << ": " << f.what;
  ScenarioResult second = RunScenario(*spec);
  EXPECT_EQ(Jsonl(first), Jsonl(second));
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ShippedScenario, ::testing::ValuesIn(ScenarioFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = std::filesystem::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(ScenarioRunner, AFailedExpectationIsReportedWithExpectedAndActual) {
  ScenarioResult r = RunInline(R"({
    "version": 1,
    "queues": [{"name": "q"}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "q", "body": "m"}}],
    "expect": [{"queue": "q", "ready": 2}]
  })");
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].pointer, "/expect/0");
  EXPECT_EQ(r.failures[0].what, "queue 'q' ready: expected 2, got 1");
}

// A fanout to `n` queues q00..q(n-1) and one labelled message through it,
// checked against an expected fate of `copies`.
std::string FanoutFate(int n, const std::vector<std::string>& copies) {
  std::string queues, bindings, want;
  for (int i = 0; i < n; ++i) {
    std::string q = absl::StrFormat("q%02d", i);
    absl::StrAppend(&queues, i ? "," : "", "{\"name\": \"", q, "\"}");
    absl::StrAppend(&bindings, i ? "," : "", "{\"exchange\": \"f\", \"queue\": \"", q, "\"}");
  }
  for (size_t i = 0; i < copies.size(); ++i) {
    absl::StrAppend(&want, i ? "," : "", "\"", copies[i], "\"");
  }
  return absl::StrCat(R"({"version": 1, "exchanges": [{"name": "f", "type": "fanout"}], "queues": [)",
                      queues, R"(], "bindings": [)", bindings,
                      R"(], "timeline": [{"at_ms": 0, "publish": {"exchange": "f", "body": "m", "label": "m"}}],
                      "expect": [{"fate": "m", "copies": [)", want, "]}]}");
}

// apply_async runs on the Celery app's own producer channel: its reply code
// and text are checked; "closes" cannot be, and says so instead of passing.
TEST(ScenarioRunner, AnApplyAsyncErrorIsCheckedByCodeAndTextButNotByWhatClosed) {
  std::string file = R"({"version": 1,
    "queues": [{"name": "q", "durable": true, "arguments": {"x-max-length": 1}}],
    "celery": {"app": {"task_queues": []}, "tasks": [{"name": "t"}], "workers": []},
    "timeline": [{"at_ms": 0, "apply_async": {"task": "t", "queue": "q"},
                  "expect_error": {"code": 406, "text": "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received none but current is the value '1' of type 'signedint'"CLOSES}}],
    "expect": [{"queue": "q", "ready": 0}]})";
  std::string without = file, with = file;
  without.replace(without.find("CLOSES"), 6, "");
  with.replace(with.find("CLOSES"), 6, R"(, "closes": "channel")");
  ScenarioResult ok = RunInline(without);
  EXPECT_TRUE(ok.ok()) << (ok.failures.empty() ? "" : ok.failures[0].what);
  ScenarioResult closes = RunInline(with);
  ASSERT_EQ(closes.failures.size(), 1u);
  EXPECT_THAT(closes.failures[0].what, ::testing::HasSubstr("\"closes\" cannot be checked"));
}

TEST(ScenarioRunner, AFailureMessageShowsALongListCutWithTheCountLeftOut) {
  ScenarioResult r = RunInline(FanoutFate(40, {"q00:ready"}));
  ASSERT_EQ(r.failures.size(), 1u);
  const std::string& what = r.failures[0].what;
  EXPECT_THAT(what, ::testing::HasSubstr("q23:ready, ... (16 more)]"));
  EXPECT_THAT(what, ::testing::Not(::testing::HasSubstr("q24:ready")));
  EXPECT_LT(what.size(), 1000u);
}

TEST(ScenarioRunner, ListsThatDifferOnlyPastTheShownPartStillFail) {
  std::vector<std::string> copies;
  for (int i = 0; i < 30; ++i) copies.push_back(absl::StrFormat("q%02d:ready", i));
  EXPECT_TRUE(RunInline(FanoutFate(30, copies)).failures.empty());
  copies.back() = "q29:acked";
  ScenarioResult r = RunInline(FanoutFate(30, copies));
  ASSERT_EQ(r.failures.size(), 1u);
  // Both sides print the same first 24 entries: the message says so, the
  // comparison does not stop there.
  EXPECT_THAT(r.failures[0].what, ::testing::HasSubstr("(6 more)"));
}

TEST(ScenarioRunner, AnUnexpectedStepErrorFailsTheRun) {
  ScenarioResult r = RunInline(R"({
    "version": 1,
    "queues": [{"name": "q"}],
    "timeline": [{"at_ms": 5, "publish": {"exchange": "nope", "body": "m"}}],
    "expect": [{"queue": "q", "ready": 0}]
  })");
  ASSERT_EQ(r.step_errors.size(), 1u);
  EXPECT_EQ(r.step_errors[0], "/timeline/0: 404 NOT_FOUND - no exchange 'nope' in vhost '/'");
}

TEST(ScenarioRunner, AnExpectedErrorThatDoesNotHappenIsAFailure) {
  ScenarioResult r = RunInline(R"({
    "version": 1,
    "timeline": [{"declare_queue": {"name": "fine"}, "expect_error": {"code": 406}}],
    "expect": [{"queue": "fine", "ready": 0}]
  })");
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].what, "expected reply 406, but it succeeded");
}

TEST(ScenarioRunner, ALivelockingClientIsReportedNotHung) {
  ScenarioResult r = RunInline(R"({
    "version": 1,
    "options": {"max_events": 10000},
    "queues": [{"name": "q"}],
    "clients": [{"name": "spinner", "queue": "q", "rules": [{"do": "requeue"}]}],
    "timeline": [{"publish": {"routing_key": "q", "body": "m"}}],
    "expect": [{"queue": "q", "ready": 0}]
  })");
  ASSERT_FALSE(r.step_errors.empty());
  EXPECT_THAT(r.step_errors[0], ::testing::HasSubstr("livelock"));
  // It names the last five events run, the loop's own.
  EXPECT_THAT(r.step_errors[0],
              ::testing::HasSubstr("last events: basic.deliver, basic.deliver, basic.deliver, "
                                   "basic.deliver, basic.deliver"));
}

}  // namespace
}  // namespace warren

namespace warren {
namespace {

constexpr char kIntruder[] = R"({"version": 1,
  "queues": [{"name": "mine", "exclusive": true}],
  "clients": [{"name": "intruder", "queue": "mine", "expect_error": ERROR}],
  "expect": [{"queue": "mine", "ready": 0}]})";

ScenarioResult RunWithExpectedError(const std::string& error) {
  std::string text = kIntruder;
  text.replace(text.find("ERROR"), 5, error);
  return RunInline(text);
}

TEST(ScenarioRunner, AClientMayExpectItsStartToFailWithAReplyCode) {
  ScenarioResult r = RunWithExpectedError(R"({"code": 405, "closes": "channel"})");
  EXPECT_TRUE(r.ok()) << (r.failures.empty() ? "" : r.failures[0].what);
  EXPECT_THAT(r.observation.client_events["intruder"],
              ::testing::ElementsAre(::testing::StartsWith("405 RESOURCE_LOCKED")));
}

TEST(ScenarioRunner, AClientStartFailingWithAnotherCodeIsAFailure) {
  ScenarioResult r = RunWithExpectedError(R"({"code": 404})");
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_THAT(r.failures[0].what, ::testing::HasSubstr("expected reply 404, got: 405"));
}

TEST(ScenarioRunner, AClientStartFailingWithAnotherReplyTextOrCloseIsAFailure) {
  ScenarioResult r = RunWithExpectedError(R"({"code": 405, "closes": "connection",
                                              "text": "RESOURCE_LOCKED - nope"})");
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].what, "expected the connection to close");
  EXPECT_THAT(r.failures[1].what,
              ::testing::StartsWith("expected reply text \"RESOURCE_LOCKED - nope\""));
}

}  // namespace
}  // namespace warren

namespace warren {
namespace {

ScenarioResult RunJson(std::string_view json) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(json, "inline.json");
  EXPECT_THAT(spec, testing::IsOk());
  return spec.ok() ? RunScenario(*spec) : ScenarioResult{};
}

// {"name": "", "as": "tmp"}: RabbitMQ names the queue ("amq.gen-..."), and
// the file's bindings, clients, steps and expectations reach it as "tmp".
TEST(ServerNamedQueues, AreReachedThroughTheirAliasEverywhereInTheFile) {
  ScenarioResult r = RunJson(R"({
    "version": 1,
    "queues": [{"name": "", "as": "tmp"}, {"name": "", "as": "other"}],
    "bindings": [{"exchange": "amq.direct", "queue": "tmp", "routing_key": "k"}],
    "timeline": [
      {"at_ms": 0, "publish": {"exchange": "amq.direct", "routing_key": "k", "count": 3}},
      {"at_ms": 1, "bind": {"exchange": "amq.fanout", "queue": "other"}},
      {"at_ms": 2, "publish": {"exchange": "amq.fanout"}},
      {"at_ms": 3, "declare_queue": {"name": "", "as": "late"}},
      {"at_ms": 4, "purge_queue": "late"}
    ],
    "expect": [
      {"queue": "tmp", "ready": 3, "enqueued": 3},
      {"queue": "other", "ready": 1},
      {"queue": "late", "ready": 0},
      {"event": "enqueued", "queue": "tmp", "equals": 3}
    ]})");
  EXPECT_TRUE(r.ok()) << (r.failures.empty() ? "" : r.failures[0].what)
                      << (r.step_errors.empty() ? "" : r.step_errors[0]);
  ASSERT_GE(r.queue_table.size(), 4u);
  EXPECT_THAT(r.queue_table[1], ::testing::StartsWith("amq.gen-"));
}

}  // namespace
}  // namespace warren
