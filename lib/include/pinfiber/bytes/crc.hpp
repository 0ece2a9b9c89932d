#pragma once
// CRCs of device protocols, in two forms that give the same result: bitwise (no table, for a
// one-off check or the tightest flash) and table-driven (a 256-entry table built at compile time,
// eight times fewer steps per byte). Parameters follow the CRC catalogue (reveng.sourceforge.io/
// crc-catalogue): width, poly (unreflected), init, reflected in/out, xorout.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "pinfiber/bytes/byte_view.hpp"

namespace pinfiber {

namespace detail {

template <std::unsigned_integral T>
constexpr T reflect(T value) noexcept {
  T out = 0;
  for (int i = 0; i < std::numeric_limits<T>::digits; ++i) {
    out = static_cast<T>((out << 1) | (value & 1u));
    value = static_cast<T>(value >> 1);
  }
  return out;
}

// One byte through the register, one bit at a time: the definition of the CRC.
template <std::unsigned_integral T, T Poly, bool Reflected>
constexpr T crc_bitwise_step(T reg, std::uint8_t byte) noexcept {
  constexpr int width = std::numeric_limits<T>::digits;
  if constexpr (Reflected) {
    constexpr T poly = reflect(Poly);
    reg = static_cast<T>(reg ^ byte);
    for (int bit = 0; bit < 8; ++bit) reg = (reg & 1u) ? static_cast<T>((reg >> 1) ^ poly) : static_cast<T>(reg >> 1);
  } else {
    constexpr T top_bit = static_cast<T>(T{1} << (width - 1));
    reg = static_cast<T>(reg ^ (static_cast<T>(byte) << (width - 8)));
    for (int bit = 0; bit < 8; ++bit)
      reg = (reg & top_bit) ? static_cast<T>((reg << 1) ^ Poly) : static_cast<T>(reg << 1);
  }
  return reg;
}

// Entry i is what the eight steps of crc_bitwise_step do to a register whose byte about to be
// shifted out is i, so that one lookup replaces them.
template <std::unsigned_integral T, T Poly, bool Reflected>
inline constexpr std::array<T, 256> crc_table = [] {
  std::array<T, 256> table{};
  for (unsigned i = 0; i < 256; ++i)
    table[i] = crc_bitwise_step<T, Poly, Reflected>(T{0}, static_cast<std::uint8_t>(i));
  return table;
}();

template <std::unsigned_integral T, T Poly, bool Reflected>
constexpr T crc_table_step(T reg, std::uint8_t byte) noexcept {
  constexpr int width = std::numeric_limits<T>::digits;
  const auto& table = crc_table<T, Poly, Reflected>;
  if constexpr (width == 8) {
    return table[static_cast<std::uint8_t>(reg ^ byte)];  // the shift would leave nothing
  } else if constexpr (Reflected) {
    return static_cast<T>((reg >> 8) ^ table[static_cast<std::uint8_t>(reg ^ byte)]);
  } else {
    return static_cast<T>((reg << 8) ^ table[static_cast<std::uint8_t>((reg >> (width - 8)) ^ byte)]);
  }
}

}  // namespace detail

/// A CRC whose width is that of T (8, 16 or 32 bits), with the catalogue parameters Poly (written
/// unreflected, as the catalogue does: 0x31 for Dallas/Maxim, whose shift-right form is 0x8C), Init,
/// Reflected (refin = refout) and XorOut. compute() and compute_bitwise() give the same value;
/// update() feeds a message in pieces as it arrives.
///
///     pinfiber::Crc16Modbus crc;
///     crc.update(header).update(payload);
///     w.write_u16le(crc.value());
template <std::unsigned_integral T, T Poly, T Init, bool Reflected, T XorOut = 0>
class Crc {
 public:
  using value_type = T;
  static constexpr int width = std::numeric_limits<T>::digits;
  static_assert(width == 8 || width == 16 || width == 32, "CRC widths are 8, 16 or 32 bits");

  /// The 256 steps of one byte each, built at compile time from Poly.
  static constexpr const std::array<T, 256>& table = detail::crc_table<T, Poly, Reflected>;

  /// A CRC of no bytes yet.
  constexpr Crc() noexcept = default;

  /// Feeds data, table-driven; returns *this so that calls chain.
  constexpr Crc& update(ByteView data) noexcept {
    for (std::size_t i = 0; i < data.size(); ++i)
      register_ = detail::crc_table_step<T, Poly, Reflected>(register_, data[i]);
    return *this;
  }

  /// Feeds data, bitwise; the same result as update.
  constexpr Crc& update_bitwise(ByteView data) noexcept {
    for (std::size_t i = 0; i < data.size(); ++i)
      register_ = detail::crc_bitwise_step<T, Poly, Reflected>(register_, data[i]);
    return *this;
  }

  /// The CRC of every byte fed so far.
  constexpr T value() const noexcept { return static_cast<T>(register_ ^ XorOut); }

  /// Starts again from no bytes.
  constexpr void reset() noexcept { register_ = initial_register; }

  /// The CRC of data, table-driven.
  static constexpr T compute(ByteView data) noexcept { return Crc().update(data).value(); }
  /// The CRC of data, bitwise; equal to compute(data).
  static constexpr T compute_bitwise(ByteView data) noexcept { return Crc().update_bitwise(data).value(); }

 private:
  // A reflected CRC shifts right, so its register holds everything mirrored, Init included.
  static constexpr T initial_register = Reflected ? detail::reflect(Init) : Init;

  T register_ = initial_register;
};

/// CRC-8 of Sensirion sensors (SHT3x, SHT4x, SCD30, SGP30, SPS30...): poly 0x31, init 0xFF, not
/// reflected; each 16-bit word they send is followed by the CRC of its two bytes. The catalogue
/// calls it CRC-8/NRSC-5 (check 0xF7).
using Crc8Sensirion = Crc<std::uint8_t, 0x31, 0xFF, false>;

/// CRC-8 of Dallas/Maxim 1-Wire devices (ROM codes, DS18B20 scratchpad): poly 0x31 reflected
/// (0x8C), init 0. The catalogue's CRC-8/MAXIM-DOW (check 0xA1).
using Crc8Maxim = Crc<std::uint8_t, 0x31, 0x00, true>;

/// CRC-16 of Modbus RTU: poly 0x8005 reflected (0xA001), init 0xFFFF. Sent low byte first
/// (write_u16le), unlike the big-endian registers of the frame. CRC-16/MODBUS (check 0x4B37).
using Crc16Modbus = Crc<std::uint16_t, 0x8005, 0xFFFF, true>;

/// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected; the catalogue's CRC-16/IBM-3740
/// (check 0x29B1).
using Crc16CcittFalse = Crc<std::uint16_t, 0x1021, 0xFFFF, false>;

/// CRC-16 of XMODEM: poly 0x1021, init 0, not reflected. CRC-16/XMODEM (check 0x31C3).
using Crc16Xmodem = Crc<std::uint16_t, 0x1021, 0x0000, false>;

/// The CRC-32 of zlib, Ethernet and PNG: poly 0x04C11DB7 reflected, init and xorout 0xFFFFFFFF.
/// CRC-32/ISO-HDLC (check 0xCBF43926).
using Crc32 = Crc<std::uint32_t, 0x04C11DB7, 0xFFFFFFFF, true, 0xFFFFFFFF>;

/// \name One-call CRCs (table-driven) of a whole message.
/// @{
constexpr std::uint8_t crc8_sensirion(ByteView data) noexcept { return Crc8Sensirion::compute(data); }
constexpr std::uint8_t crc8_maxim(ByteView data) noexcept { return Crc8Maxim::compute(data); }
constexpr std::uint16_t crc16_modbus(ByteView data) noexcept { return Crc16Modbus::compute(data); }
constexpr std::uint16_t crc16_ccitt_false(ByteView data) noexcept { return Crc16CcittFalse::compute(data); }
constexpr std::uint16_t crc16_xmodem(ByteView data) noexcept { return Crc16Xmodem::compute(data); }
constexpr std::uint32_t crc32(ByteView data) noexcept { return Crc32::compute(data); }
/// @}

}  // namespace pinfiber
