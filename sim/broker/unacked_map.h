// A channel's outstanding deliveries by delivery tag, in tag order.
//
// Tags only grow (a channel numbers its deliveries), so entries are kept in
// a deque sorted by tag: insertion appends, the usual ack (the oldest or the
// newest tag) is O(1), any other lookup is a binary search. A taken entry in
// the middle leaves a tombstone; tombstones at either end are trimmed at
// once, and the deque is compacted when they outnumber live entries, so
// memory stays within twice the live count.
#ifndef WARREN_SIM_BROKER_UNACKED_MAP_H_
#define WARREN_SIM_BROKER_UNACKED_MAP_H_

#include <algorithm>
#include <cstdint>
#include <deque>
#include <utility>

#include "sim/core/check.h"

namespace warren::internal {

template <typename V>
class UnackedMap {
  struct Entry {
    uint64_t tag;
    bool live;
    V value;
  };

 public:
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // REQUIRES: `tag` is greater than every tag inserted before.
  void Insert(uint64_t tag, V value) {
    WARREN_CHECK(entries_.empty() || entries_.back().tag < tag);
    entries_.push_back({tag, true, std::move(value)});
    ++live_;
  }

  V* Find(uint64_t tag) {
    Entry* e = Locate(tag);
    return e ? &e->value : nullptr;
  }

  // Removes and returns the entry. REQUIRES: Find(tag) != nullptr.
  V Take(uint64_t tag) {
    Entry* e = Locate(tag);
    WARREN_CHECK(e != nullptr);
    V out = std::move(e->value);
    e->live = false;
    --live_;
    while (!entries_.empty() && !entries_.front().live) entries_.pop_front();
    while (!entries_.empty() && !entries_.back().live) entries_.pop_back();
    if (entries_.size() > 2 * live_ + 64) Compact();
    return out;
  }

  // Calls fn(tag, value) for every entry in tag order; stops early when fn
  // returns false. fn must not insert or take.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (const Entry& e : entries_) {
      if (e.live && !fn(e.tag, e.value)) return;
    }
  }
  template <typename Fn>
  void ForEachMutable(Fn fn) {
    for (Entry& e : entries_) {
      if (e.live) fn(e.tag, e.value);
    }
  }

 private:
  Entry* Locate(uint64_t tag) {
    if (entries_.empty() || tag < entries_.front().tag || tag > entries_.back().tag) {
      return nullptr;
    }
    Entry* e;
    if (entries_.front().tag == tag) {
      e = &entries_.front();
    } else if (entries_.back().tag == tag) {
      e = &entries_.back();
    } else {
      auto it = std::lower_bound(entries_.begin(), entries_.end(), tag,
                                 [](const Entry& x, uint64_t t) { return x.tag < t; });
      if (it == entries_.end() || it->tag != tag) return nullptr;
      e = &*it;
    }
    return e->live ? e : nullptr;
  }

  void Compact() {
    std::deque<Entry> kept;
    for (Entry& e : entries_) {
      if (e.live) kept.push_back(std::move(e));
    }
    entries_ = std::move(kept);
  }

  std::deque<Entry> entries_;
  size_t live_ = 0;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_UNACKED_MAP_H_
