#pragma once
// The simple checksums of device protocols: byte sums and XOR. For CRCs see crc.hpp.

#include <cstddef>
#include <cstdint>

#include "pinfiber/bytes/byte_view.hpp"

namespace pinfiber {

/// The sum of the bytes modulo 256. Its two's complement, `std::uint8_t(-sum8(data))`, is the LRC of
/// Modbus ASCII and Intel HEX: the value that makes the whole frame sum to zero.
constexpr std::uint8_t sum8(ByteView data) noexcept {
  std::uint8_t sum = 0;
  for (std::size_t i = 0; i < data.size(); ++i) sum = static_cast<std::uint8_t>(sum + data[i]);
  return sum;
}

/// The sum of the bytes (not of 16-bit words) modulo 65536, as the Plantower PMS5003 particle
/// sensor checks its 32-byte frames: the sum of the first 30 bytes equals the last two, big-endian.
constexpr std::uint16_t sum16(ByteView data) noexcept {
  std::uint16_t sum = 0;
  for (std::size_t i = 0; i < data.size(); ++i) sum = static_cast<std::uint16_t>(sum + data[i]);
  return sum;
}

/// The XOR of the bytes, as NMEA 0183 sentences carry it (of the characters between '$' and '*').
constexpr std::uint8_t xor8(ByteView data) noexcept {
  std::uint8_t x = 0;
  for (std::size_t i = 0; i < data.size(); ++i) x = static_cast<std::uint8_t>(x ^ data[i]);
  return x;
}

}  // namespace pinfiber
