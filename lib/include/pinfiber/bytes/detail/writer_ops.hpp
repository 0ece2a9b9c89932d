#pragma once
// The write operations both writers share. A writer provides where the bytes go; this provides what
// they are, so ByteWriter and GrowableByteWriter cannot drift apart.
//
// The derived writer implements:
//   std::size_t claim_(Item item)  makes room for item.width bytes at the position, advances past
//                                  them and returns where they start; throws BytesRangeError when it
//                                  cannot, before anything changed;
//   MutableByteView storage_()     every byte claimed so far.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "pinfiber/bytes/byte_view.hpp"
#include "pinfiber/bytes/detail/codec.hpp"
#include "pinfiber/bytes/detail/errors.hpp"

namespace pinfiber::detail {

template <class Derived>
class WriterOps {
 public:
  /// Appends value as a Width-byte field in byte order `order` (see pinfiber::store).
  /// Throws BytesOverflowError when value does not fit in Width bytes, BytesRangeError when the
  /// writer has no room; nothing is written then.
  template <number T, std::size_t Width = sizeof(T)>
  constexpr void write(std::type_identity_t<T> value, std::endian order) {
    static_assert(valid_width<T, Width>, "Width must be 1..sizeof(T) for integers, sizeof(T) for floats");
    if (!fits_width(value, Width)) throw_does_not_fit("write " + describe(item_of<T, Width>(order)), value, Width);
    const std::size_t at = self_().claim_(item_of<T, Width>(order));
    encode(to_raw(value), self_().storage_(), at, Width, order);
  }

  /// Appends the bytes of data. Throws BytesRangeError when the writer has no room for all of them;
  /// nothing is written then.
  constexpr void write_bytes(ByteView data) {
    const std::size_t at = self_().claim_(Item{'b', data.size(), std::endian::big});
    MutableByteView out = self_().storage_();
    for (std::size_t i = 0; i < data.size(); ++i) out.set(at + i, data[i]);
  }

  /// Appends n copies of value (padding, preambles). Errors as for write_bytes.
  constexpr void fill(std::size_t n, std::uint8_t value) {
    const std::size_t at = self_().claim_(Item{'b', n, std::endian::big});
    MutableByteView out = self_().storage_();
    for (std::size_t i = 0; i < n; ++i) out.set(at + i, value);
  }

  /// \name Named writes: write_<u|i|f><bits><be|le>(value) is write<T, bits / 8>(value, order).
  /// Errors as for write.
  /// @{
  constexpr void write_u8(std::uint8_t v) { write<std::uint8_t>(v, std::endian::big); }
  constexpr void write_i8(std::int8_t v) { write<std::int8_t>(v, std::endian::big); }
  constexpr void write_u16be(std::uint16_t v) { write<std::uint16_t>(v, std::endian::big); }
  constexpr void write_u16le(std::uint16_t v) { write<std::uint16_t>(v, std::endian::little); }
  constexpr void write_i16be(std::int16_t v) { write<std::int16_t>(v, std::endian::big); }
  constexpr void write_i16le(std::int16_t v) { write<std::int16_t>(v, std::endian::little); }
  constexpr void write_u24be(std::uint32_t v) { write<std::uint32_t, 3>(v, std::endian::big); }
  constexpr void write_u24le(std::uint32_t v) { write<std::uint32_t, 3>(v, std::endian::little); }
  constexpr void write_i24be(std::int32_t v) { write<std::int32_t, 3>(v, std::endian::big); }
  constexpr void write_i24le(std::int32_t v) { write<std::int32_t, 3>(v, std::endian::little); }
  constexpr void write_u32be(std::uint32_t v) { write<std::uint32_t>(v, std::endian::big); }
  constexpr void write_u32le(std::uint32_t v) { write<std::uint32_t>(v, std::endian::little); }
  constexpr void write_i32be(std::int32_t v) { write<std::int32_t>(v, std::endian::big); }
  constexpr void write_i32le(std::int32_t v) { write<std::int32_t>(v, std::endian::little); }
  constexpr void write_u48be(std::uint64_t v) { write<std::uint64_t, 6>(v, std::endian::big); }
  constexpr void write_u48le(std::uint64_t v) { write<std::uint64_t, 6>(v, std::endian::little); }
  constexpr void write_i48be(std::int64_t v) { write<std::int64_t, 6>(v, std::endian::big); }
  constexpr void write_i48le(std::int64_t v) { write<std::int64_t, 6>(v, std::endian::little); }
  constexpr void write_u64be(std::uint64_t v) { write<std::uint64_t>(v, std::endian::big); }
  constexpr void write_u64le(std::uint64_t v) { write<std::uint64_t>(v, std::endian::little); }
  constexpr void write_i64be(std::int64_t v) { write<std::int64_t>(v, std::endian::big); }
  constexpr void write_i64le(std::int64_t v) { write<std::int64_t>(v, std::endian::little); }
  constexpr void write_f32be(float v) { write<float>(v, std::endian::big); }
  constexpr void write_f32le(float v) { write<float>(v, std::endian::little); }
  constexpr void write_f64be(double v) { write<double>(v, std::endian::big); }
  constexpr void write_f64le(double v) { write<double>(v, std::endian::little); }
  /// @}

 protected:
  constexpr WriterOps() noexcept = default;

 private:
  constexpr Derived& self_() noexcept { return static_cast<Derived&>(*this); }
};

}  // namespace pinfiber::detail
