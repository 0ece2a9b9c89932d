#pragma once
// Numbers to bytes and back: big- and little-endian integers of 1 to 8 bytes (the 24- and 48-bit
// fields that ADCs and sensors use included) and IEEE-754 floats, all usable in constant expressions.
//
// Byte order is the standard std::endian (std::endian::big, std::endian::little), never the host's:
// a wire format does not change with the CPU.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "pinfiber/bytes/byte_view.hpp"
#include "pinfiber/bytes/detail/codec.hpp"
#include "pinfiber/bytes/detail/errors.hpp"

namespace pinfiber {

/// Reads the Width-byte number T at offset in byte order `order` (Width is sizeof(T) unless the wire
/// field is narrower, as a 24-bit reading in a std::int32_t: `load<std::int32_t, 3>`). Signed types
/// are sign-extended from the field's top bit; floats are IEEE-754 bit patterns.
/// Throws BytesRangeError ("load u32be at offset 6 of 8 bytes: past the end") when the field is not
/// all inside bytes.
template <detail::number T, std::size_t Width = sizeof(T)>
constexpr T load(ByteView bytes, std::size_t offset, std::endian order) {
  static_assert(detail::valid_width<T, Width>, "Width must be 1..sizeof(T) for integers, sizeof(T) for floats");
  if (offset > bytes.size() || Width > bytes.size() - offset) {
    detail::throw_past_end("load", detail::item_of<T, Width>(order), offset, bytes.size());
  }
  return detail::from_raw<T, Width>(detail::decode(bytes, offset, Width, order));
}

/// Writes value as a Width-byte field at offset in byte order `order` (see load for Width).
/// Throws BytesOverflowError when value does not fit in Width bytes (a 24-bit field cannot hold
/// 0x1000000), BytesRangeError when the field is not all inside bytes; bytes are unchanged then.
template <detail::number T, std::size_t Width = sizeof(T)>
constexpr void store(MutableByteView bytes, std::size_t offset, std::type_identity_t<T> value, std::endian order) {
  static_assert(detail::valid_width<T, Width>, "Width must be 1..sizeof(T) for integers, sizeof(T) for floats");
  if (!detail::fits_width(value, Width)) {
    detail::throw_does_not_fit("store " + detail::describe(detail::item_of<T, Width>(order)), value, Width);
  }
  if (offset > bytes.size() || Width > bytes.size() - offset) {
    detail::throw_past_end("store", detail::item_of<T, Width>(order), offset, bytes.size());
  }
  detail::encode(detail::to_raw(value), bytes, offset, Width, order);
}

/// \name Named loads: load_<u|i|f><bits><be|le>(bytes, at) is load<T, bits / 8>(bytes, at, order).
/// The result type is the smallest standard type that holds the field. Errors as for load.
/// @{
// clang-format off
constexpr std::uint8_t load_u8(ByteView b, std::size_t at = 0) { return load<std::uint8_t>(b, at, detail::be); }
constexpr std::int8_t load_i8(ByteView b, std::size_t at = 0) { return load<std::int8_t>(b, at, detail::be); }
constexpr std::uint16_t load_u16be(ByteView b, std::size_t at = 0) { return load<std::uint16_t>(b, at, detail::be); }
constexpr std::uint16_t load_u16le(ByteView b, std::size_t at = 0) { return load<std::uint16_t>(b, at, detail::le); }
constexpr std::int16_t load_i16be(ByteView b, std::size_t at = 0) { return load<std::int16_t>(b, at, detail::be); }
constexpr std::int16_t load_i16le(ByteView b, std::size_t at = 0) { return load<std::int16_t>(b, at, detail::le); }
constexpr std::uint32_t load_u24be(ByteView b, std::size_t at = 0) { return load<std::uint32_t, 3>(b, at, detail::be); }
constexpr std::uint32_t load_u24le(ByteView b, std::size_t at = 0) { return load<std::uint32_t, 3>(b, at, detail::le); }
constexpr std::int32_t load_i24be(ByteView b, std::size_t at = 0) { return load<std::int32_t, 3>(b, at, detail::be); }
constexpr std::int32_t load_i24le(ByteView b, std::size_t at = 0) { return load<std::int32_t, 3>(b, at, detail::le); }
constexpr std::uint32_t load_u32be(ByteView b, std::size_t at = 0) { return load<std::uint32_t>(b, at, detail::be); }
constexpr std::uint32_t load_u32le(ByteView b, std::size_t at = 0) { return load<std::uint32_t>(b, at, detail::le); }
constexpr std::int32_t load_i32be(ByteView b, std::size_t at = 0) { return load<std::int32_t>(b, at, detail::be); }
constexpr std::int32_t load_i32le(ByteView b, std::size_t at = 0) { return load<std::int32_t>(b, at, detail::le); }
constexpr std::uint64_t load_u48be(ByteView b, std::size_t at = 0) { return load<std::uint64_t, 6>(b, at, detail::be); }
constexpr std::uint64_t load_u48le(ByteView b, std::size_t at = 0) { return load<std::uint64_t, 6>(b, at, detail::le); }
constexpr std::int64_t load_i48be(ByteView b, std::size_t at = 0) { return load<std::int64_t, 6>(b, at, detail::be); }
constexpr std::int64_t load_i48le(ByteView b, std::size_t at = 0) { return load<std::int64_t, 6>(b, at, detail::le); }
constexpr std::uint64_t load_u64be(ByteView b, std::size_t at = 0) { return load<std::uint64_t>(b, at, detail::be); }
constexpr std::uint64_t load_u64le(ByteView b, std::size_t at = 0) { return load<std::uint64_t>(b, at, detail::le); }
constexpr std::int64_t load_i64be(ByteView b, std::size_t at = 0) { return load<std::int64_t>(b, at, detail::be); }
constexpr std::int64_t load_i64le(ByteView b, std::size_t at = 0) { return load<std::int64_t>(b, at, detail::le); }
constexpr float load_f32be(ByteView b, std::size_t at = 0) { return load<float>(b, at, detail::be); }
constexpr float load_f32le(ByteView b, std::size_t at = 0) { return load<float>(b, at, detail::le); }
constexpr double load_f64be(ByteView b, std::size_t at = 0) { return load<double>(b, at, detail::be); }
constexpr double load_f64le(ByteView b, std::size_t at = 0) { return load<double>(b, at, detail::le); }
// clang-format on
/// @}

/// \name Named stores: store_<u|i|f><bits><be|le>(bytes, at, value) is store<T, bits / 8>(...).
/// Errors as for store.
/// @{
// clang-format off
constexpr void store_u8(MutableByteView b, std::size_t at, std::uint8_t v) { store<std::uint8_t>(b, at, v, detail::be); }
constexpr void store_i8(MutableByteView b, std::size_t at, std::int8_t v) { store<std::int8_t>(b, at, v, detail::be); }
constexpr void store_u16be(MutableByteView b, std::size_t at, std::uint16_t v) { store<std::uint16_t>(b, at, v, detail::be); }
constexpr void store_u16le(MutableByteView b, std::size_t at, std::uint16_t v) { store<std::uint16_t>(b, at, v, detail::le); }
constexpr void store_i16be(MutableByteView b, std::size_t at, std::int16_t v) { store<std::int16_t>(b, at, v, detail::be); }
constexpr void store_i16le(MutableByteView b, std::size_t at, std::int16_t v) { store<std::int16_t>(b, at, v, detail::le); }
constexpr void store_u24be(MutableByteView b, std::size_t at, std::uint32_t v) { store<std::uint32_t, 3>(b, at, v, detail::be); }
constexpr void store_u24le(MutableByteView b, std::size_t at, std::uint32_t v) { store<std::uint32_t, 3>(b, at, v, detail::le); }
constexpr void store_i24be(MutableByteView b, std::size_t at, std::int32_t v) { store<std::int32_t, 3>(b, at, v, detail::be); }
constexpr void store_i24le(MutableByteView b, std::size_t at, std::int32_t v) { store<std::int32_t, 3>(b, at, v, detail::le); }
constexpr void store_u32be(MutableByteView b, std::size_t at, std::uint32_t v) { store<std::uint32_t>(b, at, v, detail::be); }
constexpr void store_u32le(MutableByteView b, std::size_t at, std::uint32_t v) { store<std::uint32_t>(b, at, v, detail::le); }
constexpr void store_i32be(MutableByteView b, std::size_t at, std::int32_t v) { store<std::int32_t>(b, at, v, detail::be); }
constexpr void store_i32le(MutableByteView b, std::size_t at, std::int32_t v) { store<std::int32_t>(b, at, v, detail::le); }
constexpr void store_u48be(MutableByteView b, std::size_t at, std::uint64_t v) { store<std::uint64_t, 6>(b, at, v, detail::be); }
constexpr void store_u48le(MutableByteView b, std::size_t at, std::uint64_t v) { store<std::uint64_t, 6>(b, at, v, detail::le); }
constexpr void store_i48be(MutableByteView b, std::size_t at, std::int64_t v) { store<std::int64_t, 6>(b, at, v, detail::be); }
constexpr void store_i48le(MutableByteView b, std::size_t at, std::int64_t v) { store<std::int64_t, 6>(b, at, v, detail::le); }
constexpr void store_u64be(MutableByteView b, std::size_t at, std::uint64_t v) { store<std::uint64_t>(b, at, v, detail::be); }
constexpr void store_u64le(MutableByteView b, std::size_t at, std::uint64_t v) { store<std::uint64_t>(b, at, v, detail::le); }
constexpr void store_i64be(MutableByteView b, std::size_t at, std::int64_t v) { store<std::int64_t>(b, at, v, detail::be); }
constexpr void store_i64le(MutableByteView b, std::size_t at, std::int64_t v) { store<std::int64_t>(b, at, v, detail::le); }
constexpr void store_f32be(MutableByteView b, std::size_t at, float v) { store<float>(b, at, v, detail::be); }
constexpr void store_f32le(MutableByteView b, std::size_t at, float v) { store<float>(b, at, v, detail::le); }
constexpr void store_f64be(MutableByteView b, std::size_t at, double v) { store<double>(b, at, v, detail::be); }
constexpr void store_f64le(MutableByteView b, std::size_t at, double v) { store<double>(b, at, v, detail::le); }
// clang-format on
/// @}

/// Python's int.from_bytes(bytes, byteorder, signed): the number that all of bytes spell in byte
/// order `order`, 0 for no bytes. Python's `signed=` is the result type: from_bytes<std::int32_t>
/// sign-extends from the top bit of the first (big) or last (little) byte, the default std::uint64_t
/// does not. Throws BytesOverflowError when bytes has more than sizeof(T) bytes.
///
///     std::array<std::uint8_t, 4> b{'y', 0xcc, 0xa6, 0xbb};
///     pinfiber::from_bytes(b, std::endian::big);                  // 2043455163
///     pinfiber::from_bytes<std::int32_t>(b, std::endian::little); // -1146696583
template <detail::integer T = std::uint64_t>
constexpr T from_bytes(ByteView bytes, std::endian order) {
  if (bytes.size() > sizeof(T)) detail::throw_too_wide("from_bytes", bytes.size(), sizeof(T));
  if (bytes.empty()) return T{0};
  const std::uint64_t raw = detail::decode(bytes, 0, bytes.size(), order);
  if constexpr (std::is_signed_v<T>) {
    return static_cast<T>(detail::sign_extend(raw, bytes.size()));
  } else {
    return static_cast<T>(raw);
  }
}

/// The bytes of a number, held by value (up to 8, no allocation); returned by to_bytes. It is a
/// contiguous range of uint8_t, so it converts to ByteView and std::span<const uint8_t>.
class IntBytes {
 public:
  /// No bytes.
  constexpr IntBytes() noexcept = default;

  /// The number of bytes.
  constexpr std::size_t size() const noexcept { return size_; }
  /// The bytes, for std::span and C APIs.
  constexpr const std::uint8_t* data() const noexcept { return bytes_.data(); }
  /// The bytes as a range (for loops, std::span<const uint8_t>, ByteView).
  constexpr const std::uint8_t* begin() const noexcept { return bytes_.data(); }
  constexpr const std::uint8_t* end() const noexcept { return bytes_.data() + size_; }
  /// The byte at index i; throws BytesRangeError when i >= size().
  constexpr std::uint8_t operator[](std::size_t i) const {
    if (i >= size_) detail::throw_index_past_end(i, size_);
    return bytes_[i];
  }
  /// Whether both hold the same bytes.
  friend constexpr bool operator==(const IntBytes& a, const IntBytes& b) noexcept { return ByteView(a) == ByteView(b); }

 private:
  template <detail::integer T>
  friend constexpr IntBytes to_bytes(T value, std::size_t n, std::endian order);

  std::array<std::uint8_t, 8> bytes_{};
  std::size_t size_ = 0;
};

/// Python's int.to_bytes(n, byteorder, signed): value as n bytes (1..8) in byte order `order`;
/// negative values of a signed type in two's complement.
/// Throws BytesError when n is not in 1..8, BytesOverflowError when value does not fit in n bytes
/// (`to_bytes(256, 1, ...)`, `to_bytes(int8_t{-129}...)`), as Python raises OverflowError.
///
///     auto b = pinfiber::to_bytes(2043455163u, 4, std::endian::big);  // 'y' 0xcc 0xa6 0xbb
///     device.write(b);
template <detail::integer T>
constexpr IntBytes to_bytes(T value, std::size_t n, std::endian order) {
  if (n < 1 || n > 8) detail::throw_bad_width("to_bytes", n);
  if (!detail::fits(value, n)) detail::throw_does_not_fit("to_bytes", value, n);
  IntBytes out;
  out.size_ = n;
  detail::encode(detail::to_raw(value), out.bytes_, 0, n, order);
  return out;
}

}  // namespace pinfiber
