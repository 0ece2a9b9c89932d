#pragma once
// ByteReader: a cursor that reads numbers and bytes in order from a frame a device sent.

#include <bit>
#include <cstddef>
#include <cstdint>

#include "pinfiber/bytes/byte_view.hpp"
#include "pinfiber/bytes/detail/codec.hpp"
#include "pinfiber/bytes/detail/errors.hpp"

namespace pinfiber {

/// Reads numbers and bytes one after another from a view, advancing its position. Every read is
/// checked: one that would go past the end throws BytesRangeError ("read u32be at offset 6 of 8
/// bytes: past the end") and leaves the position where it was, so a parser can wait for more bytes
/// and retry. Usable in constant expressions. The bytes must outlive the reader.
///
///     pinfiber::ByteReader r(frame);
///     auto pm25 = r.read_u16be();
///     r.skip(2);
class ByteReader {
  // Defined before their callers: clang 14 cannot call a member template in a constant expression
  // before the point of its definition.
  constexpr void check_(const char* verb, detail::Item item) const {
    if (item.width > remaining()) detail::throw_past_end(verb, item, position_, bytes_.size());
  }

  template <detail::number T, std::size_t Width>
  constexpr T decode_at_(std::endian order, const char* verb) const {
    static_assert(detail::valid_width<T, Width>, "Width must be 1..sizeof(T) for integers, sizeof(T) for floats");
    check_(verb, detail::item_of<T, Width>(order));
    return detail::from_raw<T, Width>(detail::decode(bytes_, position_, Width, order));
  }

 public:
  /// A reader at the start of bytes.
  constexpr explicit ByteReader(ByteView bytes) noexcept : bytes_(bytes) {}

  /// The offset of the next byte to read.
  constexpr std::size_t position() const noexcept { return position_; }
  /// The number of bytes viewed, read or not.
  constexpr std::size_t size() const noexcept { return bytes_.size(); }
  /// The number of bytes left to read.
  constexpr std::size_t remaining() const noexcept { return bytes_.size() - position_; }
  /// Whether every byte has been read.
  constexpr bool at_end() const noexcept { return position_ == bytes_.size(); }

  /// Moves to offset (0..size(), size() meaning at the end); throws BytesRangeError beyond it.
  constexpr void seek(std::size_t offset) {
    if (offset > bytes_.size()) detail::throw_seek_past_end(offset, bytes_.size());
    position_ = offset;
  }

  /// Steps over n bytes; throws BytesRangeError when fewer remain.
  constexpr void skip(std::size_t n) {
    check_("skip", detail::Item{'b', n, std::endian::big});
    position_ += n;
  }

  /// The next n bytes as a view into the same storage; throws BytesRangeError when fewer remain.
  constexpr ByteView read_bytes(std::size_t n) {
    check_("read", detail::Item{'b', n, std::endian::big});
    ByteView out = bytes_.subview(position_, n);
    position_ += n;
    return out;
  }

  /// The bytes not read yet, without moving.
  constexpr ByteView rest() const { return bytes_.subview(position_, remaining()); }

  /// Reads the Width-byte number T in byte order `order` (see pinfiber::load).
  /// Throws BytesRangeError when fewer than Width bytes remain.
  template <detail::number T, std::size_t Width = sizeof(T)>
  constexpr T read(std::endian order) {
    T value = decode_at_<T, Width>(order, "read");
    position_ += Width;
    return value;
  }

  /// Like read, without moving: for frames whose first byte says what follows.
  template <detail::number T, std::size_t Width = sizeof(T)>
  constexpr T peek(std::endian order) const {
    return decode_at_<T, Width>(order, "peek");
  }

  /// \name Named reads: read_<u|i|f><bits><be|le>() is read<T, bits / 8>(order), T the smallest
  /// standard type that holds the field; the i24 and i48 reads sign-extend. Errors as for read.
  /// @{
  constexpr std::uint8_t read_u8() { return read<std::uint8_t>(std::endian::big); }
  constexpr std::int8_t read_i8() { return read<std::int8_t>(std::endian::big); }
  constexpr std::uint16_t read_u16be() { return read<std::uint16_t>(std::endian::big); }
  constexpr std::uint16_t read_u16le() { return read<std::uint16_t>(std::endian::little); }
  constexpr std::int16_t read_i16be() { return read<std::int16_t>(std::endian::big); }
  constexpr std::int16_t read_i16le() { return read<std::int16_t>(std::endian::little); }
  constexpr std::uint32_t read_u24be() { return read<std::uint32_t, 3>(std::endian::big); }
  constexpr std::uint32_t read_u24le() { return read<std::uint32_t, 3>(std::endian::little); }
  constexpr std::int32_t read_i24be() { return read<std::int32_t, 3>(std::endian::big); }
  constexpr std::int32_t read_i24le() { return read<std::int32_t, 3>(std::endian::little); }
  constexpr std::uint32_t read_u32be() { return read<std::uint32_t>(std::endian::big); }
  constexpr std::uint32_t read_u32le() { return read<std::uint32_t>(std::endian::little); }
  constexpr std::int32_t read_i32be() { return read<std::int32_t>(std::endian::big); }
  constexpr std::int32_t read_i32le() { return read<std::int32_t>(std::endian::little); }
  constexpr std::uint64_t read_u48be() { return read<std::uint64_t, 6>(std::endian::big); }
  constexpr std::uint64_t read_u48le() { return read<std::uint64_t, 6>(std::endian::little); }
  constexpr std::int64_t read_i48be() { return read<std::int64_t, 6>(std::endian::big); }
  constexpr std::int64_t read_i48le() { return read<std::int64_t, 6>(std::endian::little); }
  constexpr std::uint64_t read_u64be() { return read<std::uint64_t>(std::endian::big); }
  constexpr std::uint64_t read_u64le() { return read<std::uint64_t>(std::endian::little); }
  constexpr std::int64_t read_i64be() { return read<std::int64_t>(std::endian::big); }
  constexpr std::int64_t read_i64le() { return read<std::int64_t>(std::endian::little); }
  constexpr float read_f32be() { return read<float>(std::endian::big); }
  constexpr float read_f32le() { return read<float>(std::endian::little); }
  constexpr double read_f64be() { return read<double>(std::endian::big); }
  constexpr double read_f64le() { return read<double>(std::endian::little); }
  /// @}

  /// The next byte without moving: a frame's start or type byte. Errors as for read.
  constexpr std::uint8_t peek_u8() const { return peek<std::uint8_t>(std::endian::big); }

 private:
  ByteView bytes_;
  std::size_t position_ = 0;
};

}  // namespace pinfiber
