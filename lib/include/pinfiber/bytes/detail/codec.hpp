#pragma once
// Turning numbers into bytes and back, shared by the free functions, the reader and the writers.
// Bounds are checked by the callers, which know what to call the operation in the error message.

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "pinfiber/bytes/byte_view.hpp"
#include "pinfiber/bytes/detail/errors.hpp"

namespace pinfiber::detail {

// Short names for the one-line named loads and stores.
inline constexpr std::endian be = std::endian::big;
inline constexpr std::endian le = std::endian::little;

// Integers of any width; bool is not a number of bytes.
template <class T>
concept integer = std::integral<T> && !std::is_same_v<std::remove_cv_t<T>, bool>;

// Only IEEE-754 binary32/binary64 have a wire format to speak of.
template <class T>
concept wire_float = std::floating_point<T> && std::numeric_limits<T>::is_iec559 &&(sizeof(T) == 4 || sizeof(T) == 8);

template <class T>
concept number = integer<T> || wire_float<T>;

// An integer may be narrower on the wire than in memory (u24 in a uint32_t); a float may not.
template <class T, std::size_t Width>
inline constexpr bool valid_width = integer<T> ? (Width >= 1 && Width <= sizeof(T)) : Width == sizeof(T);

template <class T, std::size_t Width>
constexpr Item item_of(std::endian order) noexcept {
  return Item{wire_float<T> ? 'f' : (std::is_signed_v<T> ? 'i' : 'u'), Width, order};
}

// The width bytes at offset as an unsigned number. Precondition: they are inside bytes.
constexpr std::uint64_t decode(ByteView bytes, std::size_t offset, std::size_t width, std::endian order) {
  std::uint64_t raw = 0;
  for (std::size_t i = 0; i < width; ++i) {
    std::size_t at = order == std::endian::big ? i : width - 1 - i;
    raw = (raw << 8) | bytes[offset + at];
  }
  return raw;
}

// Writes the low width bytes of raw at offset. Precondition: they are inside out.
constexpr void encode(std::uint64_t raw, MutableByteView out, std::size_t offset, std::size_t width,
                      std::endian order) {
  for (std::size_t i = 0; i < width; ++i) {
    std::size_t at = order == std::endian::big ? width - 1 - i : i;
    out.set(offset + at, static_cast<std::uint8_t>(raw >> (8 * i)));
  }
}

// Two's complement of a width-byte number: the top bit of its top byte is the sign (a 24-bit ADC
// reading of 0x800000 is -8388608).
constexpr std::int64_t sign_extend(std::uint64_t raw, std::size_t width) noexcept {
  const unsigned unused = 64 - 8 * static_cast<unsigned>(width);
  // C++20 defines both the conversion to signed (modulo 2^64) and the arithmetic right shift.
  return static_cast<std::int64_t>(raw << unused) >> unused;
}

// The number whose Width-byte wire form is raw.
template <number T, std::size_t Width>
constexpr T from_raw(std::uint64_t raw) noexcept {
  if constexpr (wire_float<T>) {
    if constexpr (sizeof(T) == 4) {
      return std::bit_cast<T>(static_cast<std::uint32_t>(raw));
    } else {
      return std::bit_cast<T>(raw);
    }
  } else if constexpr (std::is_signed_v<T>) {
    return static_cast<T>(sign_extend(raw, Width));
  } else {
    return static_cast<T>(raw);
  }
}

// The wire form of value, in the low bytes (two's complement for negative integers).
template <number T>
constexpr std::uint64_t to_raw(T value) noexcept {
  if constexpr (wire_float<T>) {
    if constexpr (sizeof(T) == 4) {
      return std::bit_cast<std::uint32_t>(value);
    } else {
      return std::bit_cast<std::uint64_t>(value);
    }
  } else {
    return static_cast<std::uint64_t>(value);  // sign-extends, then reduces modulo 2^64
  }
}

// Whether value is representable in width bytes, as unsigned or as two's complement by its type.
template <integer T>
constexpr bool fits(T value, std::size_t width) noexcept {
  if (width >= sizeof(T) || width >= 8) return true;
  const unsigned bits = 8 * static_cast<unsigned>(width);
  if constexpr (std::is_signed_v<T>) {
    const std::int64_t limit = std::int64_t{1} << (bits - 1);
    return value >= -limit && value < limit;
  } else {
    return (static_cast<std::uint64_t>(value) >> bits) == 0;
  }
}

template <number T>
constexpr bool fits_width(T value, std::size_t width) noexcept {
  if constexpr (integer<T>) {
    return fits(value, width);
  } else {
    return true;
  }
}

}  // namespace pinfiber::detail
