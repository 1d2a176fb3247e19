// The routing pipeline (rabbit_exchange:route): default exchange by queue
// name; otherwise a graph walk over exchange-to-exchange bindings with a
// visited set, alternate exchanges consulted only when an exchange's own
// bindings matched nothing (Exchange::Match decides that), and one copy
// per queue.
#include <algorithm>

#include "sim/broker/broker.h"
#include "sim/core/strings.h"

namespace warren::internal {
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
    if (Queue* q = FindQueue(m.routing_key())) add(q);
    if (m.has_extra_routing_keys()) {
      for (const std::string& key : m.extra_routing_keys()) {
        if (Queue* q = FindQueue(key)) add(q);
      }
    }
    return queues;
  }
  // Fast path: one key on a direct exchange whose bindings all lead to
  // queues. Anything else (no match and an alternate exchange, CC/BCC,
  // exchange-to-exchange bindings) takes the general walk below.
  if (start->type == ExchangeType::kDirect && start->e2e_bindings() == 0 &&
      !m.has_extra_routing_keys()) {
    if (const std::vector<Binding*>* bindings = start->DirectBindings(m.routing_key())) {
      for (Binding* b : *bindings) add(b->queue);
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
  Exchange::BindingList matched;
  for (size_t next = 0; next < seen.size(); ++next) {
    Exchange* x = seen[next];
    matched.clear();
    x->Match(m, matched);
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
