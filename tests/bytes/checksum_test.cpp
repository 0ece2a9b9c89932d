// Byte sums and XOR.

#include "pinfiber/bytes/checksum.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace {

constexpr std::array<std::uint8_t, 4> story9{'y', 0xcc, 0xa6, 0xbb};
static_assert(pinfiber::sum8(story9) == 166);  // sum(b'y\xcc\xa6\xbb') % 256
static_assert(pinfiber::sum16(story9) == 0x79 + 0xcc + 0xa6 + 0xbb);
static_assert(pinfiber::xor8(std::string_view("")) == 0);

TEST(Checksum, Sum8WrapsAndItsComplementZeroesTheFrame) {
  const std::array<std::uint8_t, 3> b{0xff, 0x02, 0x10};
  EXPECT_EQ(pinfiber::sum8(b), 0x11);
  const std::uint8_t lrc = static_cast<std::uint8_t>(-pinfiber::sum8(b));
  const std::array<std::uint8_t, 4> with_lrc{0xff, 0x02, 0x10, lrc};
  EXPECT_EQ(pinfiber::sum8(with_lrc), 0);
}

TEST(Checksum, Sum16IsThePms5003FrameCheck) {
  // A PMS5003 frame: 0x42 0x4d, length 28, thirteen data words, then the sum of the 30 bytes before.
  std::array<std::uint8_t, 32> frame{0x42, 0x4d, 0x00, 0x1c};
  for (std::size_t i = 4; i < 30; ++i) frame[i] = static_cast<std::uint8_t>(i * 11);
  const std::uint16_t sum = pinfiber::sum16(std::span(frame).first(30));
  std::uint32_t expected = 0;
  for (std::size_t i = 0; i < 30; ++i) expected += frame[i];
  EXPECT_EQ(sum, expected & 0xffff);
  std::array<std::uint8_t, 1000> many;
  many.fill(0xff);
  EXPECT_EQ(pinfiber::sum16(many), (1000 * 0xff) & 0xffff);
}

TEST(Checksum, Xor8IsTheNmeaChecksum) {
  // $GPGLL,5057.970,N,00146.110,E,142451,A*27
  EXPECT_EQ(pinfiber::xor8(std::string_view("GPGLL,5057.970,N,00146.110,E,142451,A")), 0x27);
}

}  // namespace
