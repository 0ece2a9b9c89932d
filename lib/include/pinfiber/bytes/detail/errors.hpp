#pragma once
// Building and throwing the bytes layer's errors.
//
// These are plain (not constexpr) functions called only on the failure path of constexpr code: a
// constant evaluation that reaches one stops there and the compiler reports it, and at run time the
// string formatting stays out of the inlined fast path.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pinfiber/bytes/error.hpp"

namespace pinfiber::detail {

// What a read or write was for, kept small so that describing it costs nothing until an error.
// kind is 'u', 'i' or 'f' for a number of `width` bytes, or 'b' for `width` raw bytes.
struct Item {
  char kind;
  std::size_t width;
  std::endian order;
};

// "u24be", "i8", "f64le", or "5 bytes".
inline std::string describe(Item item) {
  if (item.kind == 'b') return std::to_string(item.width) + (item.width == 1 ? " byte" : " bytes");
  std::string name(1, item.kind);
  name += std::to_string(item.width * 8);
  if (item.width > 1) name += item.order == std::endian::big ? "be" : "le";
  return name;
}

inline std::string count_bytes(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// "read u32be at offset 6 of 8 bytes: past the end"
[[noreturn]] inline void throw_past_end(std::string_view verb, Item item, std::size_t offset, std::size_t size) {
  std::string message(verb);
  message += ' ';
  message += describe(item);
  message += " at offset " + std::to_string(offset) + " of " + count_bytes(size) + ": past the end";
  throw BytesRangeError(message);
}

[[noreturn]] inline void throw_seek_past_end(std::size_t offset, std::size_t size) {
  throw BytesRangeError("seek to offset " + std::to_string(offset) + " of " + count_bytes(size) + ": past the end");
}

[[noreturn]] inline void throw_index_past_end(std::size_t index, std::size_t size) {
  throw BytesRangeError("index " + std::to_string(index) + " of " + count_bytes(size) + ": past the end");
}

[[noreturn]] inline void throw_subview_past_end(std::size_t offset, std::size_t count, std::size_t size) {
  throw BytesRangeError("subview of " + count_bytes(count) + " at offset " + std::to_string(offset) + " of " +
                        count_bytes(size) + ": past the end");
}

// "write u24be: value 16777216 does not fit in 3 bytes"
template <class Int>
[[noreturn]] void throw_does_not_fit(std::string_view what, Int value, std::size_t width) {
  std::string message(what);
  message += ": value " + std::to_string(value) + " does not fit in " + count_bytes(width);
  throw BytesOverflowError(message);
}

[[noreturn]] inline void throw_too_wide(std::string_view what, std::size_t width, std::size_t capacity) {
  throw BytesOverflowError(std::string(what) + ": " + count_bytes(width) + " do not fit in a " +
                           std::to_string(capacity) + "-byte integer");
}

[[noreturn]] inline void throw_bad_width(std::string_view what, std::size_t width) {
  throw BytesError(std::string(what) + ": width " + std::to_string(width) + " is not in 1..8");
}

}  // namespace pinfiber::detail
