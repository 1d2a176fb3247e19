// ReadyMessages stores 24-byte envelopes and keeps TTL deadlines apart, in
// a deque per sub-queue that exists only while the sub-queue holds a timed
// envelope. This checks it against a model that keeps each whole Envelope
// in plain vectors, on random mixes of timed and untimed appends, priority
// levels, quorum returns, pops, classic requeues to the original position
// and head-only expiry: every envelope must come back with its own
// deadline, in delivery order.
#include "sim/amqp/message_store.h"
#include "sim/broker/ready_messages.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace warren::internal {
namespace {

struct Item {
  uint64_t position;
  uint64_t priority;
  int64_t deadline_ns;
  size_t body_size;
  friend bool operator==(const Item&, const Item&) = default;
};

Item ItemOf(const StoredEnvelope& e, int64_t deadline_ns) {
  return {e.position, e.priority, deadline_ns, e.message->body_size()};
}

// Delivery order as the real structure reports it.
std::vector<Item> Snapshot(const ReadyMessages& r) {
  std::vector<Item> out;
  r.ForEachInOrder([&](const StoredEnvelope& e, int64_t d) { out.push_back(ItemOf(e, d)); });
  return out;
}

// The model: whole items in one vector per sub-queue.
struct Model {
  std::vector<Item> returns;
  std::vector<std::vector<Item>> levels;

  std::vector<Item>* HeadQueue() {
    if (!returns.empty()) return &returns;
    for (size_t i = levels.size(); i-- > 0;) {
      if (!levels[i].empty()) return &levels[i];
    }
    return nullptr;
  }
  std::vector<Item> InOrder() const {
    std::vector<Item> out = returns;
    for (size_t i = levels.size(); i-- > 0;) {
      out.insert(out.end(), levels[i].begin(), levels[i].end());
    }
    return out;
  }
  int64_t EarliestFront() const {
    if (!returns.empty()) return returns.front().deadline_ns;
    int64_t t = INT64_MAX;
    for (const auto& l : levels) {
      if (!l.empty()) t = std::min(t, l.front().deadline_ns);
    }
    return t;
  }
};

TEST(ReadyMessages, EveryEnvelopeKeepsItsOwnDeadlineThroughAppendsRequeuesReturnsAndExpiry) {
  std::mt19937_64 rng(20261203);
  for (int round = 0; round < 300; ++round) {
    const int max_priority = static_cast<int>(rng() % 3);  // 1, 2 or 3 levels
    ReadyMessages real(max_priority);
    Model model{.returns = {}, .levels = std::vector<std::vector<Item>>(max_priority + 1)};
    std::vector<Envelope> popped;  // delivered, may be requeued later
    uint64_t next_position = 0;
    int64_t now = 1000;
    // Some rounds never time anything, some time everything, most mix.
    const unsigned timed_percent = std::vector<unsigned>{0, 100, 10, 50, 90}[round % 5];
    for (int step = 0; step < 400; ++step) {
      unsigned op = rng() % 100;
      if (op < 45) {  // publish
        Envelope e;
        e.message = internal::MessageStore::CreateForTest(MessageId{next_position}, "", "k", std::string(rng() % 4, 'b'));
        e.position = next_position++;
        e.priority = rng() % (max_priority + 1);
        if (rng() % 100 < timed_percent) e.deadline_ns = now + static_cast<int64_t>(rng() % 50);
        Item it = ItemOf(e, e.deadline_ns);
        bool as_return = rng() % 10 == 0;
        if (as_return) {
          model.returns.push_back(it);
          real.PushReturn(std::move(e));
        } else {
          model.levels[it.priority].push_back(it);
          real.Append(std::move(e));
        }
      } else if (op < 70) {  // deliver the head
        std::vector<Item>* q = model.HeadQueue();
        if (q == nullptr) continue;
        Item want = q->front();
        q->erase(q->begin());
        Envelope got = real.PopHead();
        ASSERT_EQ(ItemOf(got, got.deadline_ns), want) << "round " << round << " step " << step;
        popped.push_back(std::move(got));
      } else if (op < 85) {  // classic requeue of some delivered envelope
        if (popped.empty()) continue;
        size_t k = rng() % popped.size();
        Envelope e = std::move(popped[k]);
        popped.erase(popped.begin() + static_cast<ptrdiff_t>(k));
        Item it = ItemOf(e, e.deadline_ns);
        auto& level = model.levels[it.priority];
        auto at = std::lower_bound(level.begin(), level.end(), it.position,
                                   [](const Item& x, uint64_t p) { return x.position < p; });
        level.insert(at, it);
        real.Restore(std::move(e));
      } else {  // time passes; expire the fronts that are due
        now += static_cast<int64_t>(rng() % 20);
        auto due = [now](int64_t d) { return d <= now; };
        std::vector<Item> want;
        auto drain = [&](std::vector<Item>& q) {
          while (!q.empty() && due(q.front().deadline_ns)) {
            want.push_back(q.front());
            q.erase(q.begin());
          }
        };
        drain(model.returns);
        if (model.returns.empty()) {
          for (size_t i = model.levels.size(); i-- > 0;) drain(model.levels[i]);
        }
        std::vector<Item> got;
        real.DropFrontsWhile(due, [&](Envelope e) { got.push_back(ItemOf(e, e.deadline_ns)); });
        ASSERT_EQ(got, want) << "round " << round << " step " << step;
      }
      std::vector<Item> order = model.InOrder();
      ASSERT_EQ(Snapshot(real), order) << "round " << round << " step " << step;
      ASSERT_EQ(real.size(), order.size());
      uint64_t bytes = 0;
      for (const Item& it : order) bytes += it.body_size;
      ASSERT_EQ(real.bytes(), bytes);
      int64_t front = model.EarliestFront();
      ASSERT_EQ(real.EarliestFrontDeadline(),
                front == INT64_MAX ? absl::InfiniteFuture() : absl::FromUnixNanos(front))
          << "round " << round << " step " << step;
    }
    std::vector<Item> want = model.InOrder();
    std::vector<Item> got;
    for (const Envelope& e : real.TakeAll()) got.push_back(ItemOf(e, e.deadline_ns));
    EXPECT_EQ(got, want) << "round " << round;
    EXPECT_TRUE(real.empty());
  }
}

// The delivery count shares a word with the ledger copy id: it must hold
// counts well past the 2^23 it once had, keep its neighbours intact, and
// saturate instead of wrapping into them.
TEST(StoredEnvelope, DeliveryCountHoldsLargeCountsAndSaturatesWithoutTouchingItsNeighbours) {
  Envelope e;
  e.message = internal::MessageStore::CreateForTest(MessageId{1}, "", "k", "b");
  e.copy = 0xFFFFFFFFu;
  e.redelivered = 1;
  e.position = (uint64_t{1} << 56) - 1;
  e.priority = 255;
  e.delivery_count = (uint64_t{1} << 23) + 5;
  e.CountDelivery();
  EXPECT_EQ(e.delivery_count, (uint64_t{1} << 23) + 6);
  e.delivery_count = StoredEnvelope::kMaxDeliveryCount - 1;
  e.CountDelivery();
  EXPECT_EQ(e.delivery_count, StoredEnvelope::kMaxDeliveryCount);
  e.CountDelivery();  // saturates
  EXPECT_EQ(e.delivery_count, StoredEnvelope::kMaxDeliveryCount);
  Envelope copy = e;  // packed words copied whole
  for (const Envelope* x : {&e, &copy}) {
    EXPECT_EQ(x->copy, 0xFFFFFFFFu);
    EXPECT_EQ(x->redelivered, 1u);
    EXPECT_EQ(x->position, (uint64_t{1} << 56) - 1);
    EXPECT_EQ(x->priority, 255u);
    EXPECT_EQ(x->delivery_count, StoredEnvelope::kMaxDeliveryCount);
  }
}

}  // namespace
}  // namespace warren::internal
