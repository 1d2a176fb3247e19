// Big-endian (network order) integers in byte buffers, as AMQP writes them:
// Put* write at a position and return the end; ByteReader reads from an
// untrusted buffer and remembers whether it ever ran past the end (every
// read after that returns zeros), so a decoder checks once, at the end, the
// way leveldb's util/coding.h and Slice-based parsers do.
#ifndef WARREN_SIM_CORE_CODING_H_
#define WARREN_SIM_CORE_CODING_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace warren::internal {

inline char* PutU8(char* out, uint8_t v) {
  *out = static_cast<char>(v);
  return out + 1;
}
inline char* PutU16(char* out, uint16_t v) {
  out[0] = static_cast<char>(v >> 8);
  out[1] = static_cast<char>(v);
  return out + 2;
}
inline char* PutU32(char* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out[3 - i] = static_cast<char>(v >> (8 * i));
  return out + 4;
}
inline char* PutU64(char* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out[7 - i] = static_cast<char>(v >> (8 * i));
  return out + 8;
}
inline char* PutBytes(char* out, std::string_view bytes) {
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  return out + bytes.size();
}

inline uint16_t GetU16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
inline uint32_t GetU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}
inline uint64_t GetU64(const char* p) {
  return (uint64_t{GetU32(p)} << 32) | GetU32(p + 4);
}

// Appends to a std::string (for small frames built a field at a time).
inline void AppendU8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
inline void AppendU16(std::string& out, uint16_t v) {
  char b[2];
  PutU16(b, v);
  out.append(b, 2);
}
inline void AppendU32(std::string& out, uint32_t v) {
  char b[4];
  PutU32(b, v);
  out.append(b, 4);
}
inline void AppendU64(std::string& out, uint64_t v) {
  char b[8];
  PutU64(b, v);
  out.append(b, 8);
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  // False once any read asked for more bytes than were left.
  bool ok() const { return ok_; }
  bool done() const { return p_ == end_; }
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  const char* position() const { return p_; }

  uint8_t U8() { return Has(1) ? static_cast<uint8_t>(*p_++) : 0; }
  uint16_t U16() { return Has(2) ? Advance(GetU16(p_), 2) : 0; }
  uint32_t U32() { return Has(4) ? Advance(GetU32(p_), 4) : 0; }
  uint64_t U64() { return Has(8) ? Advance(GetU64(p_), 8) : 0; }
  // `n` raw bytes (empty and !ok() if fewer are left).
  std::string_view Bytes(size_t n) {
    if (!Has(n)) return {};
    std::string_view v(p_, n);
    p_ += n;
    return v;
  }
  std::string_view ShortString() { return Bytes(U8()); }
  std::string_view LongString() { return Bytes(U32()); }

 private:
  bool Has(size_t n) {
    if (ok_ && n <= left()) return true;
    ok_ = false;
    p_ = end_;
    return false;
  }
  template <typename T>
  T Advance(T v, size_t n) {
    p_ += n;
    return v;
  }

  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_CORE_CODING_H_
