// A FIFO over a growable circular buffer. Unlike std::deque, which frees
// and allocates a block every few hundred bytes as a queue advances, a ring
// reuses the same (cache-hot) slots: the per-message queues of the core
// loop (same-instant events, a channel's pending deliveries and unacked
// tags) stay small and churn constantly. Capacity only grows (powers of
// two); memory is the peak size, so large long-lived backlogs belong in a
// deque instead. Not thread-safe.
#ifndef WARREN_SIM_CORE_RING_H_
#define WARREN_SIM_CORE_RING_H_

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

#include "sim/core/check.h"

namespace warren::internal {

template <typename T>
class Ring {
 public:
  Ring() = default;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  Ring(Ring&& o) noexcept { Swap(o); }
  Ring& operator=(Ring&& o) noexcept {
    Ring tmp(std::move(o));
    Swap(tmp);
    return *this;
  }
  ~Ring() {
    clear();
    std::allocator<T>().deallocate(slots_, capacity_);
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  // Frees the slots once a burst has drained (empty and large).
  void ShrinkIfDrained() {
    if (size_ == 0 && capacity_ > kKeep) *this = Ring();
  }

  // i = 0 is the front. REQUIRES: i < size().
  T& operator[](size_t i) { return slots_[(head_ + i) & (capacity_ - 1)]; }
  const T& operator[](size_t i) const { return slots_[(head_ + i) & (capacity_ - 1)]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == capacity_) Grow();
    T* slot = &slots_[(head_ + size_) & (capacity_ - 1)];
    new (slot) T(std::forward<Args>(args)...);
    ++size_;
    return *slot;
  }
  void push_back(T value) { emplace_back(std::move(value)); }

  void pop_front() {
    WARREN_CHECK(size_ > 0);
    std::destroy_at(&front());
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
  }
  void pop_back() {
    WARREN_CHECK(size_ > 0);
    std::destroy_at(&back());
    --size_;
  }
  void clear() {
    while (size_ > 0) pop_back();
    head_ = 0;
  }

 private:
  void Grow() {
    size_t capacity = capacity_ == 0 ? 8 : capacity_ * 2;
    T* slots = std::allocator<T>().allocate(capacity);
    for (size_t i = 0; i < size_; ++i) {
      new (&slots[i]) T(std::move((*this)[i]));
      std::destroy_at(&(*this)[i]);
    }
    std::allocator<T>().deallocate(slots_, capacity_);
    slots_ = slots;
    capacity_ = capacity;
    head_ = 0;
  }
  void Swap(Ring& o) noexcept {
    std::swap(slots_, o.slots_);
    std::swap(capacity_, o.capacity_);
    std::swap(head_, o.head_);
    std::swap(size_, o.size_);
  }

  static constexpr size_t kKeep = 1024;  // slots kept across bursts

  T* slots_ = nullptr;
  size_t capacity_ = 0;  // 0 or a power of two
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_CORE_RING_H_
