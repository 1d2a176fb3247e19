// The routing pipeline (rabbit_exchange:route): default exchange by queue
// name; otherwise a graph walk over exchange-to-exchange bindings with a
// visited set, alternate exchanges consulted only when an exchange's own
// bindings matched nothing, and one copy per queue.
#include <algorithm>

#include "sim/amqp/message_store.h"
#include "sim/broker/broker.h"
#include "sim/broker/headers_matcher.h"
#include "sim/broker/topic_matcher.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

// The routing key, then the CC and BCC header keys.
template <typename Fn>
void ForEachRoutingKey(const Message& m, Fn fn) {
  fn(m.routing_key());
  if (!m.has_extra_routing_keys()) return;
  for (const std::string& key : m.extra_routing_keys()) fn(std::string_view(key));
}

}  // namespace

void Broker::MatchBindings(const Exchange& x, const Message& m, BindingList& out) {
  switch (x.type) {
    case ExchangeType::kDirect:
      ForEachRoutingKey(m, [&](std::string_view key) {
        auto it = x.direct_index.find(absl::string_view(key.data(), key.size()));
        if (it != x.direct_index.end()) out.insert(out.end(), it->second.begin(), it->second.end());
      });
      return;
    case ExchangeType::kFanout:
      for (const auto& b : x.bindings) out.push_back(b.get());
      return;
    case ExchangeType::kTopic: {
      size_t start = out.size();
      ForEachRoutingKey(m, [&](std::string_view key) { x.topic_index.Match(key, out); });
      // One entry per binding, in creation order, whatever the keys.
      std::sort(out.begin() + start, out.end(),
                [](const Binding* a, const Binding* b) { return a->seq < b->seq; });
      out.erase(std::unique(out.begin() + start, out.end()), out.end());
      return;
    }
    case ExchangeType::kHeaders: {
      EncodedHeaders headers(MessageStore::EncodedProperties(m));
      for (const auto& b : x.bindings) {
        if (HeadersMatch(b->arguments, headers)) out.push_back(b.get());
      }
      return;
    }
  }
}

Broker::QueueList Broker::Route(std::string_view exchange, const Message& m) {
  if (exchange.empty()) return RouteFrom(nullptr, m);
  Exchange* start = FindExchange(exchange);
  if (start == nullptr) return {};
  return RouteFrom(start, m);
}

Broker::QueueList Broker::RouteFrom(Exchange* start, const Message& m) {
  // Route never re-enters itself (it enqueues nothing), so one epoch per
  // call marks what this call has already taken.
  const uint64_t epoch = ++route_epoch_;
  QueueList queues;
  auto add = [&queues, epoch](Queue* q) {
    if (q->route_mark == epoch) return;
    q->route_mark = epoch;
    queues.push_back(q);
  };
  if (start == nullptr || start->name.empty()) {
    ForEachRoutingKey(m, [&](std::string_view key) {
      if (Queue* q = FindQueue(key)) add(q);
    });
    return queues;
  }
  // Fast path: one key on a direct exchange whose bindings all lead to
  // queues. Anything else (no match and an alternate exchange, CC/BCC,
  // exchange-to-exchange bindings) takes the general walk below.
  if (start->type == ExchangeType::kDirect && start->e2e_bindings == 0 &&
      !m.has_extra_routing_keys()) {
    std::string_view key = m.routing_key();
    if (start->cached_generation != start->binding_generation ||
        !SameBytes(start->cached_key, key)) {
      auto it = start->direct_index.find(absl::string_view(key.data(), key.size()));
      start->cached_key.assign(key);
      start->cached_bindings = it == start->direct_index.end() ? nullptr : &it->second;
      start->cached_generation = start->binding_generation;
    }
    if (start->cached_bindings != nullptr) {
      for (Binding* b : *start->cached_bindings) add(b->queue);
      return queues;
    }
    if (!start->alternate_exchange) return queues;
  }
  // Breadth-first over exchange-to-exchange bindings and alternate
  // exchanges; `seen` is both the visited set and the work list.
  absl::InlinedVector<Exchange*, 4> seen = {start};
  start->route_mark = epoch;
  auto visit = [&seen, epoch](Exchange* e) {
    if (e->route_mark == epoch) return;
    e->route_mark = epoch;
    seen.push_back(e);
  };
  BindingList matched;
  for (size_t next = 0; next < seen.size(); ++next) {
    Exchange* x = seen[next];
    matched.clear();
    MatchBindings(*x, m, matched);
    if (matched.empty() && x->alternate_exchange) {
      if (Exchange* ae = FindExchange(*x->alternate_exchange)) visit(ae);
      continue;
    }
    for (Binding* b : matched) {
      if (b->queue) {
        add(b->queue);
      } else if (b->exchange) {
        visit(b->exchange);
      }
    }
  }
  return queues;
}

}  // namespace warren::internal
