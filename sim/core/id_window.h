// A map from increasing integer ids to pointers, kept as a sliding window
// of slots: Put appends at the back, Take clears a slot and releases the
// empty front. For ids handed out in order and taken roughly in order (the
// broker numbers messages as they are published; a worker receives them
// about as fast), every operation touches the two warm ends of a deque
// instead of a random bucket of a hash table: at 10^6 messages in flight
// those probes were a cache miss each (~13 % of a million-task run).
//
// Entries are hints: one never taken holds the window open until it spans
// `max_window` ids, then the oldest are dropped (Take returns nullptr for
// them). Ids are meant to increase; one that does not is stored only if its
// slot is inside the window and empty. A jump of a window or more drops
// everything before it.
#ifndef WARREN_SIM_CORE_ID_WINDOW_H_
#define WARREN_SIM_CORE_ID_WINDOW_H_

#include <cstddef>
#include <cstdint>
#include <deque>

namespace warren::internal {

template <typename T>
class IdWindow {
 public:
  explicit IdWindow(size_t max_window) : max_window_(max_window) {}

  // Remembers `value` (not null) for `id`.
  void Put(uint64_t id, T* value) {
    if (slots_.empty()) base_ = id;
    if (id < base_ + slots_.size()) {  // not increasing: only an empty slot
      if (id >= base_ && slots_[id - base_] == nullptr) slots_[id - base_] = value;
      return;
    }
    const uint64_t gap = id - (base_ + slots_.size());
    // Make room first (the end, base_ + size, stays put), so a gap never
    // inserts slots only to drop them again.
    while (!slots_.empty() && slots_.size() + gap + 1 > max_window_) PopFront();
    Trim();
    if (slots_.empty()) {
      base_ = id;
    } else {
      slots_.insert(slots_.end(), gap, nullptr);
    }
    slots_.push_back(value);
  }

  // The value put for `id` (nullptr if none), forgotten.
  T* Take(uint64_t id) {
    if (id < base_ || id - base_ >= slots_.size()) return nullptr;
    T* value = slots_[id - base_];
    slots_[id - base_] = nullptr;
    Trim();
    return value;
  }

  size_t window() const { return slots_.size(); }

 private:
  void PopFront() {
    slots_.pop_front();
    ++base_;
  }
  void Trim() {
    while (!slots_.empty() && slots_.front() == nullptr) PopFront();
  }

  size_t max_window_;
  uint64_t base_ = 0;  // id of slots_[0]
  std::deque<T*> slots_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_CORE_ID_WINDOW_H_
