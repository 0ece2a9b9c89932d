// CRCs: the catalogue's check values, datasheet examples, and bitwise == table-driven.

#include "pinfiber/bytes/crc.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace {

// The CRC catalogue's "check": the CRC of the ASCII digits "123456789".
constexpr std::string_view check = "123456789";

static_assert(pinfiber::crc8_maxim(check) == 0xa1);           // CRC-8/MAXIM-DOW
static_assert(pinfiber::crc8_sensirion(check) == 0xf7);       // CRC-8/NRSC-5, same parameters
static_assert(pinfiber::crc16_modbus(check) == 0x4b37);       // CRC-16/MODBUS
static_assert(pinfiber::crc16_ccitt_false(check) == 0x29b1);  // CRC-16/IBM-3740
static_assert(pinfiber::crc16_xmodem(check) == 0x31c3);       // CRC-16/XMODEM
static_assert(pinfiber::crc32(check) == 0xcbf43926);          // CRC-32/ISO-HDLC
static_assert(pinfiber::Crc8Maxim::compute_bitwise(check) == 0xa1);
static_assert(pinfiber::Crc8Sensirion::compute_bitwise(check) == 0xf7);
static_assert(pinfiber::Crc16Modbus::compute_bitwise(check) == 0x4b37);
static_assert(pinfiber::Crc16CcittFalse::compute_bitwise(check) == 0x29b1);
static_assert(pinfiber::Crc16Xmodem::compute_bitwise(check) == 0x31c3);
static_assert(pinfiber::Crc32::compute_bitwise(check) == 0xcbf43926);

// The shift-right form of the Maxim and Modbus polynomials, as their datasheets print them.
static_assert(pinfiber::detail::reflect(std::uint8_t{0x31}) == 0x8c);
static_assert(pinfiber::detail::reflect(std::uint16_t{0x8005}) == 0xa001);

// Sensirion's datasheets (SHT3x, SCD30): CRC(0xBEEF) = 0x92.
static_assert(pinfiber::crc8_sensirion(std::array<std::uint8_t, 2>{0xbe, 0xef}) == 0x92);

TEST(Crc, DatasheetExamples) {
  // Maxim application note 27: ROM code 02 1C B8 01 00 00 00 carries CRC A2.
  EXPECT_EQ(pinfiber::crc8_maxim(std::array<std::uint8_t, 7>{0x02, 0x1c, 0xb8, 0x01, 0, 0, 0}), 0xa2);
  // A Modbus RTU request, read 10 holding registers of unit 1: 01 03 00 00 00 0A C5 CD.
  EXPECT_EQ(pinfiber::crc16_modbus(std::array<std::uint8_t, 6>{0x01, 0x03, 0, 0, 0, 0x0a}), 0xcdc5);
  // Over a frame that ends with its own CRC (low byte first), the Modbus CRC is 0.
  EXPECT_EQ(pinfiber::crc16_modbus(std::array<std::uint8_t, 8>{0x01, 0x03, 0, 0, 0, 0x0a, 0xc5, 0xcd}), 0);
  // Likewise a 1-Wire ROM code with its CRC byte.
  EXPECT_EQ(pinfiber::crc8_maxim(std::array<std::uint8_t, 8>{0x02, 0x1c, 0xb8, 0x01, 0, 0, 0, 0xa2}), 0);
}

TEST(Crc, EmptyInputIsInitXorOut) {
  EXPECT_EQ(pinfiber::crc8_sensirion(pinfiber::ByteView{}), 0xff);
  EXPECT_EQ(pinfiber::crc16_modbus(pinfiber::ByteView{}), 0xffff);
  EXPECT_EQ(pinfiber::crc16_xmodem(pinfiber::ByteView{}), 0);
  EXPECT_EQ(pinfiber::crc32(pinfiber::ByteView{}), 0u);
}

TEST(Crc, PiecesGiveTheSameCrcAsTheWhole) {
  pinfiber::Crc16Modbus crc;
  crc.update(check.substr(0, 4)).update(check.substr(4));
  EXPECT_EQ(crc.value(), 0x4b37);
  crc.reset();
  crc.update_bitwise(check.substr(0, 1)).update(check.substr(1));
  EXPECT_EQ(crc.value(), 0x4b37);
}

template <class C>
void expect_table_agrees_with_bitwise(std::mt19937& random) {
  for (std::size_t length : {0u, 1u, 2u, 3u, 7u, 64u, 257u}) {
    std::vector<std::uint8_t> data(length);
    for (auto& b : data) b = static_cast<std::uint8_t>(random());
    EXPECT_EQ(C::compute(data), C::compute_bitwise(data)) << "length " << length;
  }
  // One byte with every value reaches every table entry.
  for (unsigned i = 0; i < 256; ++i) {
    const std::array<std::uint8_t, 1> one{static_cast<std::uint8_t>(i)};
    EXPECT_EQ(C::compute(one), C::compute_bitwise(one)) << "byte " << i;
  }
}

TEST(Crc, TableDrivenAgreesWithBitwise) {
  std::mt19937 random(9);
  expect_table_agrees_with_bitwise<pinfiber::Crc8Sensirion>(random);
  expect_table_agrees_with_bitwise<pinfiber::Crc8Maxim>(random);
  expect_table_agrees_with_bitwise<pinfiber::Crc16Modbus>(random);
  expect_table_agrees_with_bitwise<pinfiber::Crc16CcittFalse>(random);
  expect_table_agrees_with_bitwise<pinfiber::Crc16Xmodem>(random);
  expect_table_agrees_with_bitwise<pinfiber::Crc32>(random);
}

}  // namespace
