#include "sim/broker/exchange.h"

#include <algorithm>

#include "sim/amqp/message_store.h"
#include "sim/broker/headers_matcher.h"

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

void Exchange::AddBinding(Binding binding) {
  auto b = std::make_unique<Binding>(std::move(binding));
  if (type == ExchangeType::kDirect) direct_index_[b->routing_key].push_back(b.get());
  if (type == ExchangeType::kTopic) topic_index_.Add(b->routing_key, b.get());
  if (b->exchange != nullptr) ++e2e_bindings_;
  ++binding_generation_;
  bindings_.push_back(std::move(b));
}

void Exchange::RemoveBinding(const Binding* binding) {
  Binding* b = const_cast<Binding*>(binding);  // the indexes hold non-const pointers
  if (type == ExchangeType::kDirect) {
    auto it = direct_index_.find(b->routing_key);
    if (it != direct_index_.end()) {
      auto& v = it->second;
      v.erase(std::remove(v.begin(), v.end(), b), v.end());
      if (v.empty()) direct_index_.erase(it);
    }
  }
  if (type == ExchangeType::kTopic) topic_index_.Remove(b->routing_key, b);
  if (b->exchange != nullptr) --e2e_bindings_;
  ++binding_generation_;
  bindings_.erase(std::remove_if(bindings_.begin(), bindings_.end(),
                                 [&](const std::unique_ptr<Binding>& p) { return p.get() == b; }),
                  bindings_.end());
}

void Exchange::Match(const Message& m, BindingList& out) const {
  switch (type) {
    case ExchangeType::kDirect:
      ForEachRoutingKey(m, [&](std::string_view key) {
        auto it = direct_index_.find(absl::string_view(key.data(), key.size()));
        if (it != direct_index_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
      });
      return;
    case ExchangeType::kFanout:
      for (const auto& b : bindings_) out.push_back(b.get());
      return;
    case ExchangeType::kTopic: {
      size_t start = out.size();
      ForEachRoutingKey(m, [&](std::string_view key) { topic_index_.Match(key, out); });
      // One entry per binding, in creation order, whatever the keys.
      std::sort(out.begin() + start, out.end(),
                [](const Binding* a, const Binding* b) { return a->seq < b->seq; });
      out.erase(std::unique(out.begin() + start, out.end()), out.end());
      return;
    }
    case ExchangeType::kHeaders: {
      EncodedHeaders headers(MessageStore::EncodedProperties(m));
      for (const auto& b : bindings_) {
        if (HeadersMatch(b->arguments, headers)) out.push_back(b.get());
      }
      return;
    }
  }
}

void Exchange::FillDirectCache(std::string_view key) {
  auto it = direct_index_.find(absl::string_view(key.data(), key.size()));
  cached_key_.assign(key);
  cached_bindings_ = it == direct_index_.end() ? nullptr : &it->second;
  cached_generation_ = binding_generation_;
}

}  // namespace warren::internal
