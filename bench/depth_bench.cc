// Depth independence: the cost of ack, reject, requeue and expiry with 10
// vs 10^6 messages queued behind. Read BM_X/1000000 against BM_X/10 from
// the same run (target: ratio <= 1.5).
#include <string>

#include "bench/bench_util.h"

namespace warren::bench {
namespace {

void Fill(Bed& b, benchmark::State& state, const char* q, int64_t depth) {
  for (int64_t i = 0; i < depth; ++i) (void)b.ch.BasicPublish({.routing_key = q, .body = "m"});
  if (b.sim.Queue(q)->ready != static_cast<uint64_t>(depth)) state.SkipWithError("fill failed");
}

// get the head (unacked), settle it as `how`, publish one to keep the depth.
enum class Settle { kAck, kReject, kRequeue };

void DepthLoop(benchmark::State& state, Settle how) {
  Bed b;
  b.Check(state, b.ch.QueueDeclare("q").status());
  Fill(b, state, "q", state.range(0));
  for (auto _ : state) {
    auto got = b.ch.BasicGet("q");
    if (!got.ok() || !got->has_value()) {
      state.SkipWithError("get failed");
      break;
    }
    DeliveryTag tag = (**got).delivery_tag;
    if (how == Settle::kAck) {
      (void)b.ch.BasicAck(tag);
    } else {
      (void)b.ch.BasicReject(tag, /*requeue=*/how == Settle::kRequeue);
    }
    if (how != Settle::kRequeue) (void)b.ch.BasicPublish({.routing_key = "q", .body = "m"});
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DepthAck(benchmark::State& state) { DepthLoop(state, Settle::kAck); }
void BM_DepthReject(benchmark::State& state) { DepthLoop(state, Settle::kReject); }
void BM_DepthRequeue(benchmark::State& state) { DepthLoop(state, Settle::kRequeue); }
BENCHMARK(BM_DepthAck)->Arg(10)->Arg(1000000);
BENCHMARK(BM_DepthReject)->Arg(10)->Arg(1000000);
BENCHMARK(BM_DepthRequeue)->Arg(10)->Arg(1000000);

// Expiry: a queue with a 1 s TTL holds `depth` messages published 1 ms
// apart; each iteration advances 1 ms, expiring (and dead-lettering into
// a capped queue) one head while depth-1 wait, and publishes one more.
void BM_DepthExpiry(benchmark::State& state) {
  Bed b;
  const int64_t depth = state.range(0);
  b.Check(state, b.ch.QueueDeclare("dead", {.arguments = {{"x-max-length", I(0)}}}).status());
  b.Check(state, b.ch.QueueDeclare("q", {.arguments = {
      {"x-message-ttl", I(static_cast<int>(depth))},
      {"x-dead-letter-exchange", S("")}, {"x-dead-letter-routing-key", S("dead")}}}).status());
  for (int64_t i = 0; i < depth; ++i) {
    (void)b.ch.BasicPublish({.routing_key = "q", .body = "m"});
    (void)b.sim.RunFor(absl::Milliseconds(1));
  }
  for (auto _ : state) {
    (void)b.sim.RunFor(absl::Milliseconds(1));
    (void)b.ch.BasicPublish({.routing_key = "q", .body = "m"});
  }
  if (b.sim.counters().dead_lettered < static_cast<uint64_t>(state.iterations()) / 2) {
    state.SkipWithError("messages did not expire");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DepthExpiry)->Arg(10)->Arg(1000000);

}  // namespace
}  // namespace warren::bench
