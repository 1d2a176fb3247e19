// One exchange: its bindings (as source) and the routing decision that is
// the exchange's own — which of its bindings a message matches. The walk
// over exchange-to-exchange bindings and alternate exchanges, and the
// queues it reaches, stay with the Broker (Route), which knows every
// exchange; an Exchange knows only its own bindings.
//
// Invariants:
//  (E1) `bindings()` is in creation order (Binding::seq ascending); the
//       direct and topic indexes hold exactly those bindings, in that order
//       per key;
//  (E2) e2e_bindings() counts the bindings whose destination is an exchange;
//  (E3) the one-key cache of DirectBindings is used only while no binding
//       was added or removed since it was filled (a bind may rehash the
//       index it points into).
#ifndef WARREN_SIM_BROKER_EXCHANGE_H_
#define WARREN_SIM_BROKER_EXCHANGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "sim/broker/topic_trie.h"
#include "sim/core/strings.h"
#include "warren/field_value.h"
#include "warren/message.h"
#include "warren/options.h"

namespace warren::internal {

class Queue;
class Exchange;

struct Binding {
  uint64_t seq = 0;  // creation order
  std::string source;
  std::string destination;
  Queue* queue = nullptr;        // destination queue, or
  Exchange* exchange = nullptr;  // destination exchange
  std::string routing_key;
  FieldTable arguments;
};

class Exchange {
 public:
  using BindingList = absl::InlinedVector<Binding*, 8>;

  // ---- identity and settings (set by the Broker at declare / policy) ----
  std::string name;
  ExchangeType type = ExchangeType::kDirect;
  std::string type_name;
  bool durable = false;
  bool auto_delete = false;
  bool internal = false;
  FieldTable arguments;
  std::optional<std::string> alternate_exchange;  // effective (arg, else policy)
  std::string policy;
  uint64_t route_mark = 0;  // Broker::route_epoch_ when last visited by Route

  // ---- bindings (as source) ----
  const std::vector<std::unique_ptr<Binding>>& bindings() const { return bindings_; }
  // Adds `binding` as the newest (its seq must exceed every other's: E1).
  void AddBinding(Binding binding);
  // Removes `binding`, one of bindings().
  void RemoveBinding(const Binding* binding);
  uint32_t e2e_bindings() const { return e2e_bindings_; }

  // ---- routing decisions ----
  // Appends the bindings `m` matches (by routing key, CC and BCC keys,
  // headers), each once, in creation order.
  void Match(const Message& m, BindingList& out) const;
  // Direct exchanges: the bindings of exactly `key` (nullptr: none), from a
  // one-key cache (the publish fast path: one key, the same as last time).
  const std::vector<Binding*>* DirectBindings(std::string_view key) {
    if (cached_generation_ != binding_generation_ || !SameBytes(cached_key_, key)) {
      FillDirectCache(key);
    }
    return cached_bindings_;
  }

 private:
  void FillDirectCache(std::string_view key);

  std::vector<std::unique_ptr<Binding>> bindings_;
  uint32_t e2e_bindings_ = 0;
  uint64_t binding_generation_ = 0;
  uint64_t cached_generation_ = UINT64_MAX;
  std::string cached_key_;
  const std::vector<Binding*>* cached_bindings_ = nullptr;
  // Direct exchanges: routing key -> bindings, in creation order.
  absl::flat_hash_map<std::string, std::vector<Binding*>> direct_index_;
  // Topic exchanges: bindings by binding-key words.
  TopicTrie<Binding*> topic_index_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_EXCHANGE_H_
