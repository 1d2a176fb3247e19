// The routing pipeline (rabbit_exchange:route): default exchange by queue
// name; otherwise a graph walk over exchange-to-exchange bindings with a
// visited set, alternate exchanges consulted only when an exchange's own
// bindings matched nothing, and one copy per queue.
#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "sim/broker/broker.h"
#include "sim/broker/headers_matcher.h"
#include "sim/broker/topic_matcher.h"

namespace warren::internal {
namespace {

// The routing key, then the CC and BCC header keys.
template <typename Fn>
void ForEachRoutingKey(const Message& m, Fn fn) {
  fn(m.routing_key());
  for (const std::string& key : m.extra_routing_keys()) fn(std::string_view(key));
}

}  // namespace

void Broker::MatchBindings(const Exchange& x, const Message& m, std::vector<Binding*>& out) {
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
      const std::optional<FieldTable>& h = m.properties().headers;
      const FieldTable* headers = h ? &*h : nullptr;
      for (const auto& b : x.bindings) {
        if (HeadersMatch(b->arguments, headers)) out.push_back(b.get());
      }
      return;
    }
  }
}

std::vector<Queue*> Broker::Route(std::string_view exchange, const Message& m) {
  std::vector<Queue*> queues;
  auto add = [&queues](Queue* q) {
    if (std::find(queues.begin(), queues.end(), q) == queues.end()) queues.push_back(q);
  };
  if (exchange.empty()) {
    ForEachRoutingKey(m, [&](std::string_view key) {
      if (Queue* q = FindQueue(key)) add(q);
    });
    return queues;
  }
  Exchange* start = FindExchange(exchange);
  if (start == nullptr) return queues;
  // Fast path: a single exchange without E2E destinations.
  std::vector<Binding*> matched;
  std::deque<Exchange*> work = {start};
  absl::flat_hash_set<const Exchange*> visited = {start};
  while (!work.empty()) {
    Exchange* x = work.front();
    work.pop_front();
    matched.clear();
    MatchBindings(*x, m, matched);
    if (matched.empty() && x->alternate_exchange) {
      Exchange* ae = FindExchange(*x->alternate_exchange);
      if (ae && visited.insert(ae).second) work.push_back(ae);
      continue;
    }
    for (Binding* b : matched) {
      if (b->queue) {
        add(b->queue);
      } else if (b->exchange && visited.insert(b->exchange).second) {
        work.push_back(b->exchange);
      }
    }
  }
  return queues;
}

}  // namespace warren::internal
