// Routing: basic.get, fanout to 1/10/100 queues, topic exchanges with 10 to
// 100 000 bindings (cost must follow the routing key's words, not the
// binding count: Google Benchmark's complexity fit should say O(1)), and
// headers exchanges (linear in bindings, as in RabbitMQ).
#include <string>

#include "bench/bench_util.h"

namespace warren::bench {
namespace {

// publish -> (default exchange) -> basic.get no_ack, one message at a time.
void BM_PublishBasicGet(benchmark::State& state) {
  Bed b;
  b.Check(state, b.ch.QueueDeclare("q").status());
  for (auto _ : state) {
    (void)b.ch.BasicPublish({.routing_key = "q", .body = "m"});
    auto got = b.ch.BasicGet("q", /*no_ack=*/true);
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublishBasicGet);

// One publish to a fanout of N queues, each drained by an auto-ack consumer.
void BM_FanoutPublishDeliver(benchmark::State& state) {
  Bed b;
  const int n = static_cast<int>(state.range(0));
  b.Check(state, b.ch.ExchangeDeclare("fan", {.type = "fanout"}));
  int64_t delivered = 0;
  for (int i = 0; i < n; ++i) {
    std::string q = "q" + std::to_string(i);
    b.Check(state, b.ch.QueueDeclare(q).status());
    b.Check(state, b.ch.QueueBind(q, "fan", ""));
    b.Check(state, b.ch.BasicConsume(q, [&](const Delivery&) { ++delivered; },
                                     {.no_ack = true}).status());
  }
  for (auto _ : state) {
    for (int i = 0; i < 100; ++i) (void)b.ch.BasicPublish({.exchange = "fan", .body = "m"});
    (void)b.sim.RunUntilIdle();
  }
  state.SetItemsProcessed(state.iterations() * 100);
  state.counters["copies/s"] =
      benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FanoutPublishDeliver)->Arg(1)->Arg(10)->Arg(100);

// A topic exchange with N bindings "svc<i>.<verb>.*" (and a few '#'
// bindings) spread over 16 queues; each publish matches two of them.
void BM_TopicRoute(benchmark::State& state) {
  Bed b;
  const int n = static_cast<int>(state.range(0));
  b.Check(state, b.ch.ExchangeDeclare("topic", {.type = "topic"}));
  for (int q = 0; q < 16; ++q) {
    b.Check(state, b.ch.QueueDeclare("q" + std::to_string(q), {.arguments = {
        {"x-max-length", I(0)}}}).status());  // nothing piles up
  }
  const char* verbs[] = {"created", "updated", "deleted", "viewed"};
  for (int i = 0; i < n; ++i) {
    std::string key = "svc" + std::to_string(i / 4) + "." + verbs[i % 4] + ".*";
    b.Check(state, b.ch.QueueBind("q" + std::to_string(i % 16), "topic", key));
  }
  b.Check(state, b.ch.QueueBind("q0", "topic", "#.audit"));
  b.Check(state, b.ch.QueueBind("q1", "topic", "svc0.#"));
  int64_t i = 0;
  for (auto _ : state) {
    std::string key = "svc" + std::to_string((i++ * 7919) % (n / 4 + 1)) + ".updated.eu";
    (void)b.ch.BasicPublish({.exchange = "topic", .routing_key = key, .body = "m"});
  }
  state.SetItemsProcessed(state.iterations());
  state.SetComplexityN(n);
}
BENCHMARK(BM_TopicRoute)->RangeMultiplier(10)->Range(10, 100000)->Complexity();

// A headers exchange with N bindings (x-match all on two keys), one match.
void BM_HeadersRoute(benchmark::State& state) {
  Bed b;
  const int n = static_cast<int>(state.range(0));
  b.Check(state, b.ch.ExchangeDeclare("hdr", {.type = "headers"}));
  b.Check(state, b.ch.QueueDeclare("q", {.arguments = {{"x-max-length", I(0)}}}).status());
  for (int i = 0; i < n; ++i) {
    b.Check(state, b.ch.QueueBind("q", "hdr", "", {{"x-match", S("all")},
                                                    {"tenant", I(i)}, {"kind", S("order")}}));
  }
  BasicProperties p{.headers = FieldTable{{"tenant", I(n / 2)}, {"kind", S("order")}}};
  for (auto _ : state) {
    (void)b.ch.BasicPublish({.exchange = "hdr", .properties = p, .body = "m"});
  }
  state.SetItemsProcessed(state.iterations());
  state.SetComplexityN(n);
}
BENCHMARK(BM_HeadersRoute)->RangeMultiplier(10)->Range(10, 10000)->Complexity();

}  // namespace
}  // namespace warren::bench
