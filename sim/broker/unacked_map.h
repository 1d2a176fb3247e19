// A channel's outstanding deliveries by delivery tag, in tag order.
//
// Tags only grow (a channel numbers its deliveries), so entries are kept in
// a ring sorted by tag: insertion appends, the usual ack (the oldest or the
// newest tag) is O(1), any other lookup is a binary search. A taken entry in
// the middle leaves a tombstone; tombstones at either end are trimmed at
// once, and the deque is compacted when they outnumber live entries, so
// memory stays within twice the live count.
#ifndef WARREN_SIM_BROKER_UNACKED_MAP_H_
#define WARREN_SIM_BROKER_UNACKED_MAP_H_

#include <algorithm>
#include <cstdint>
#include <utility>

#include "sim/core/check.h"
#include "sim/core/ring.h"

namespace warren::internal {

template <typename V>
class UnackedMap {
  struct Entry {
    uint64_t tag = 0;
    bool live = false;
    V value;
  };

 public:
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // A default value for `tag`, built in place for the caller to fill.
  // REQUIRES: `tag` is greater than every tag inserted before.
  V& Insert(uint64_t tag) {
    WARREN_CHECK(entries_.empty() || entries_.back().tag < tag);
    Entry& e = entries_.emplace_back();
    e.tag = tag;
    e.live = true;
    ++live_;
    return e.value;
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
    entries_.ShrinkIfDrained();
    return out;
  }

  // Calls fn(tag, value) for every entry in tag order; stops early when fn
  // returns false. fn must not insert or take.
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (size_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      if (e.live && !fn(e.tag, e.value)) return;
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
      size_t lo = 0, hi = entries_.size();
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (entries_[mid].tag < tag) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      if (lo == entries_.size() || entries_[lo].tag != tag) return nullptr;
      e = &entries_[lo];
    }
    return e->live ? e : nullptr;
  }

  void Compact() {
    Ring<Entry> kept;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].live) kept.emplace_back(std::move(entries_[i]));
    }
    entries_ = std::move(kept);
  }

  Ring<Entry> entries_;
  size_t live_ = 0;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_UNACKED_MAP_H_
