// Task messages as a Celery 5.2.6 producer and worker write them, probed on
// RabbitMQ 3.10.8 by tests/conformance/probes/celery_message.py: the whole
// protocol-2 header set in Celery's order and types, the properties, the
// body [args, kwargs, embed]; a retry keeps the root and the arguments and
// names the retried task as its parent. And bodies that branch on
// self.request.retries and on the arguments.
#include <string>
#include <vector>

#include "harness.h"
#include "sim/celery/python_literals.h"
#include "warren/celery.h"

namespace warren::testing {
namespace {

using celery::Attempt;
using celery::CeleryApp;
using ::testing::ElementsAre;
using ::testing::MatchesRegex;

std::vector<std::string> Keys(const FieldTable& t) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : t) keys.push_back(k);
  return keys;
}

std::string Text(const FieldTable& t, std::string_view key) {
  const FieldValue* v = t.Find(key);
  return v && v->is_string() ? v->as_string() : "<" + std::string(v ? FieldTypeName(v->type()) : "absent") + ">";
}

// The only ready message of `queue`.
QueuedMessage Only(Simulation& sim, std::string_view queue) {
  std::vector<QueuedMessage> m = sim.Messages(queue).value_or(std::vector<QueuedMessage>{});
  EXPECT_EQ(m.size(), 1u);
  return m.empty() ? QueuedMessage{} : m[0];
}

constexpr const char* kV2Keys[] = {"lang",    "task",      "id",          "shadow",
                                   "eta",     "expires",   "group",       "group_index",
                                   "retries", "timelimit", "root_id",     "parent_id",
                                   "argsrepr", "kwargsrepr", "origin",    "ignore_result"};

TEST(CeleryMessage, AProducerWritesTheWholeProtocol2HeaderSetInCeleryOrderAndTypes) {
  BrokerHarness h;
  CeleryApp app(h.sim);
  ASSERT_THAT(app.DefineTask({.name = "probe.t"}), IsOk());
  FieldTable kwargs;
  kwargs.Set("k", FieldValue::SignedInt(3));
  absl::StatusOr<std::string> id =
      app.ApplyAsync("probe.t", {.queue = "hp", .countdown = absl::Seconds(5),
                                 .expires = absl::Seconds(60),
                                 .args = {FieldValue::SignedInt(1), FieldValue::String("two")},
                                 .kwargs = kwargs});
  ASSERT_THAT(id, IsOk());
  QueuedMessage m = Only(h.sim, "hp");
  const BasicProperties& p = m.properties();
  ASSERT_TRUE(p.headers);
  const FieldTable& hd = *p.headers;
  EXPECT_EQ(Keys(hd), std::vector<std::string>(std::begin(kV2Keys), std::end(kV2Keys)));
  EXPECT_EQ(Text(hd, "lang"), "py");
  EXPECT_EQ(Text(hd, "task"), "probe.t");
  EXPECT_EQ(Text(hd, "id"), *id);
  EXPECT_EQ(Text(hd, "root_id"), *id);
  for (const char* none : {"shadow", "group", "group_index", "parent_id"}) {
    EXPECT_EQ(Text(hd, none), "<void>") << none;
  }
  EXPECT_EQ(Text(hd, "eta"), "2025-01-01T00:00:05+00:00");
  EXPECT_EQ(Text(hd, "expires"), "2025-01-01T00:01:00+00:00");
  EXPECT_EQ(hd.Find("retries")->type(), FieldType::kSignedInt);
  EXPECT_EQ(*hd.Find("timelimit"), FieldValue::Array({FieldValue::Void(), FieldValue::Void()}));
  EXPECT_EQ(Text(hd, "argsrepr"), "[1, 'two']");  // apply_async(args=[...]): a list
  EXPECT_EQ(Text(hd, "kwargsrepr"), "{'k': 3}");
  EXPECT_THAT(Text(hd, "origin"), MatchesRegex("gen[0-9]+@warren"));
  EXPECT_EQ(*hd.Find("ignore_result"), FieldValue::Bool(false));
  EXPECT_EQ(m.body(),
            R"([[1, "two"], {"k": 3}, {"callbacks": null, "errbacks": null, "chain": null, )"
            R"("chord": null}])");
  EXPECT_EQ(p.content_type, "application/json");
  EXPECT_EQ(p.content_encoding, "utf-8");
  EXPECT_EQ(p.delivery_mode, 2);
  EXPECT_FALSE(p.priority.has_value());  // kombu sends none
  EXPECT_EQ(p.correlation_id, *id);
  ASSERT_TRUE(p.reply_to);
  EXPECT_THAT(*p.reply_to, MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                        "[0-9a-f]{12}"));
  EXPECT_EQ(p.expiration, "60000");
}

TEST(CeleryMessage, ARetryKeepsRootAndArgumentsAndNamesTheRetriedTaskItsParent) {
  BrokerHarness h;
  CeleryApp app(h.sim);
  ASSERT_THAT(app.DefineTask({.name = "probe.r",
                              .attempts = {{.kind = Attempt::Kind::kRetry,
                                            .countdown = absl::Seconds(30)}}}),
              IsOk());
  FieldTable kwargs;
  kwargs.Set("y", FieldValue::SignedInt(8));
  absl::StatusOr<std::string> id = app.ApplyAsync(
      "probe.r", {.queue = "work", .args = {FieldValue::SignedInt(7)}, .kwargs = kwargs});
  ASSERT_THAT(id, IsOk());
  QueuedMessage first = Only(h.sim, "work");
  ASSERT_THAT(app.StartWorker({.name = "w", .pool = celery::Pool::kSolo, .queues = {"work"}}),
              IsOk());
  h.sim.RunFor(absl::Seconds(1));  // received, ran, retried; the retry is held for its eta
  ASSERT_THAT(app.KillWorker("w"), IsOk());  // gives the held retry back
  h.sim.RunFor(absl::Milliseconds(1));
  QueuedMessage retry = Only(h.sim, "work");
  const FieldTable& hd = *retry.properties().headers;
  EXPECT_EQ(Keys(hd), std::vector<std::string>(std::begin(kV2Keys), std::end(kV2Keys)));
  EXPECT_EQ(hd.Find("retries")->as_int(), 1);
  EXPECT_EQ(Text(hd, "root_id"), *id);
  EXPECT_EQ(Text(hd, "parent_id"), *id);
  EXPECT_EQ(Text(*first.properties().headers, "argsrepr"), "[7]");
  EXPECT_EQ(Text(hd, "argsrepr"), "(7,)");  // re-sent as the signature's tuple
  EXPECT_EQ(Text(hd, "kwargsrepr"), "{'y': 8}");
  EXPECT_EQ(retry.body(), first.body());
  EXPECT_EQ(retry.body(),
            R"([[7], {"y": 8}, {"callbacks": null, "errbacks": null, "chain": null, )"
            R"("chord": null}])");
  // Sent by the worker's process, not the producer's.
  EXPECT_NE(Text(hd, "origin"), Text(*first.properties().headers, "origin"));
  EXPECT_NE(retry.properties().reply_to, first.properties().reply_to);
}

TEST(CeleryBody, BranchesOnItsArguments) {
  BrokerHarness h;
  CeleryApp app(h.sim);
  Attempt fail_on_five{.kind = Attempt::Kind::kRaise,
                       .exception = "ValueError",
                       .when = Attempt::When{.arg = "0", .equals = FieldValue::Long(5)}};
  ASSERT_THAT(app.DefineTask({.name = "t", .attempts = {fail_on_five, {}}}), IsOk());
  ASSERT_THAT(app.StartWorker({.name = "w", .pool = celery::Pool::kSolo}), IsOk());
  absl::StatusOr<std::string> five = app.ApplyAsync("t", {.args = {FieldValue::SignedInt(5)}});
  absl::StatusOr<std::string> one = app.ApplyAsync("t", {.args = {FieldValue::SignedInt(1)}});
  absl::StatusOr<std::string> none = app.ApplyAsync("t", {});
  ASSERT_THAT(five, IsOk());
  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(none, IsOk());
  h.sim.RunFor(absl::Seconds(30));
  EXPECT_EQ(app.Task(*five)->state, "FAILURE");
  EXPECT_EQ(app.Task(*one)->state, "SUCCESS");
  EXPECT_EQ(app.Task(*none)->state, "SUCCESS");
}

TEST(CeleryBody, BranchesOnRequestRetries) {
  // Retries until request.retries reaches 2, then succeeds.
  BrokerHarness h;
  CeleryApp app(h.sim);
  Attempt done{.when = Attempt::When{.retries_at_least = 2}};
  Attempt retry{.kind = Attempt::Kind::kRetry, .countdown = absl::Seconds(1)};
  ASSERT_THAT(app.DefineTask({.name = "t", .attempts = {done, retry}}), IsOk());
  ASSERT_THAT(app.StartWorker({.name = "w", .pool = celery::Pool::kSolo}), IsOk());
  absl::StatusOr<std::string> id = app.ApplyAsync("t", {});
  ASSERT_THAT(id, IsOk());
  h.sim.RunFor(absl::Minutes(2));
  std::optional<celery::TaskState> row = app.Task(*id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, "SUCCESS");
  EXPECT_EQ(row->executions, 3);
  EXPECT_EQ(row->published, 3);
}

TEST(CeleryWorker, AnUnregisteredTaskIsRejectedAndItsRowMarkedFailureNotRegistered) {
  // consumer.py on_unknown_task (Celery 5.2.6).
  BrokerHarness h;
  CeleryApp app(h.sim);
  ASSERT_THAT(app.StartWorker({.name = "w", .pool = celery::Pool::kSolo}), IsOk());
  FieldTable headers;
  headers.Set("id", FieldValue::String("abc"));
  headers.Set("task", FieldValue::String("nobody.defined.this"));
  h.Publish("", "celery", "[[], {}, {}]", {.headers = headers});
  h.sim.RunFor(absl::Seconds(1));
  std::optional<celery::TaskState> row = app.Task("abc");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, "FAILURE");
  EXPECT_EQ(row->result, "NotRegistered('nobody.defined.this')");
  EXPECT_EQ(row->executions, 0);
  EXPECT_EQ(h.sim.TraceCount(TraceKind::kRejected, "celery"), 1u);  // requeue=False
  EXPECT_EQ(h.sim.Queue("celery")->ready, 0u);
}

TEST(PythonLiterals, ReprAndJsonDumpsAsPythonWritesThem) {
  using celery::AppendJson;
  using celery::AppendRepr;
  auto json = [](const FieldValue& v) {
    std::string s;
    AppendJson(v, s);
    return s;
  };
  auto repr = [](const FieldValue& v) {
    std::string s;
    AppendRepr(v, s);
    return s;
  };
  EXPECT_EQ(json(FieldValue::Double(1.0)), "1.0");
  EXPECT_EQ(repr(FieldValue::Double(0.1)), "0.1");
  EXPECT_EQ(repr(FieldValue::Double(1e16)), "1e+16");
  EXPECT_EQ(repr(FieldValue::Double(1e-5)), "1e-05");
  EXPECT_EQ(json(FieldValue::String("caf\xc3\xa9 \"q\"\n")), R"("caf\u00e9 \"q\"\n")");
  // saferepr, not repr: always single quotes, only ' escaped.
  EXPECT_EQ(repr(FieldValue::String("it's")), R"('it\'s')");
  EXPECT_EQ(repr(FieldValue::String("a\nb\\c")), "'a\nb\\c'");
  EXPECT_EQ(repr(FieldValue::Bool(true)), "True");
  EXPECT_EQ(json(FieldValue::Void()), "null");
  EXPECT_EQ(repr(FieldValue::Array({FieldValue::SignedInt(1), FieldValue::Void()})), "[1, None]");
  EXPECT_EQ(celery::ArgsRepr({}, /*tuple=*/true), "()");
  EXPECT_EQ(celery::ArgsRepr({FieldValue::SignedInt(7)}, /*tuple=*/true), "(7,)");
  EXPECT_EQ(celery::ArgsRepr({FieldValue::String("o")}, /*tuple=*/false), "['o']");
  EXPECT_EQ(celery::KwargsRepr({}), "{}");
}

}  // namespace
}  // namespace warren::testing
