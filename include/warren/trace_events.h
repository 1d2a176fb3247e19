// The trace events a Simulation keeps, oldest first (Simulation::trace()).
//
// A read-only sequence for callers: range-for, size(), operator[], front(),
// back(). Inside, events live in chunks of 256 that never move: appending
// costs one allocation per chunk rather than a vector's regrowth copying
// every kept event (which made tracing the largest cost of a long
// `warren serve` run), and the chunks of dropped events are recycled, not
// freed, so a run at its bound allocates nothing more for the trace (their
// strings' buffers are reused too).
#ifndef WARREN_INCLUDE_WARREN_TRACE_EVENTS_H_
#define WARREN_INCLUDE_WARREN_TRACE_EVENTS_H_

#include <cstddef>
#include <deque>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace warren {

struct TraceEvent;

template <typename T>
class ChunkedEvents {
 public:
  static constexpr size_t kChunk = 256;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const ChunkedEvents* events, size_t i) : events_(events), i_(i) {}
    reference operator*() const { return (*events_)[i_]; }
    pointer operator->() const { return &(*events_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) { return const_iterator(events_, i_++); }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

   private:
    const ChunkedEvents* events_ = nullptr;
    size_t i_ = 0;
  };

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const {
    const size_t at = head_ + i;
    return chunks_[at / kChunk][at % kChunk];
  }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[size_ - 1]; }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size_); }

  // The tracer's side. A new slot may hold a recycled event: the caller
  // assigns every field.
  T& AppendSlot() {
    const size_t at = head_ + size_;
    if (at / kChunk == chunks_.size()) {
      if (!spares_.empty()) {
        chunks_.push_back(std::move(spares_.back()));
        spares_.pop_back();
      } else {
        chunks_.push_back(std::make_unique_for_overwrite<T[]>(kChunk));
      }
    }
    ++size_;
    return chunks_[at / kChunk][at % kChunk];
  }
  // Forgets the `n` oldest events.
  void DropFront(size_t n) {
    n = n < size_ ? n : size_;
    head_ += n;
    size_ -= n;
    while (head_ >= kChunk) {
      spares_.push_back(std::move(chunks_.front()));
      chunks_.pop_front();
      head_ -= kChunk;
    }
  }
  // Moves every event out, oldest first, leaving this empty.
  std::vector<T> TakeAll() {
    std::vector<T> out;
    out.reserve(size_);
    for (size_t i = 0; i < size_; ++i) {
      const size_t at = head_ + i;
      out.push_back(std::move(chunks_[at / kChunk][at % kChunk]));
    }
    chunks_.clear();
    spares_.clear();
    head_ = size_ = 0;
    return out;
  }

 private:
  std::deque<std::unique_ptr<T[]>> chunks_;
  std::vector<std::unique_ptr<T[]>> spares_;  // dropped chunks, for reuse
  size_t head_ = 0;  // the oldest event's index in chunks_.front()
  size_t size_ = 0;
};

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_TRACE_EVENTS_H_
