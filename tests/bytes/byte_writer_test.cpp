// ByteWriter and GrowableByteWriter: the same writes, into a fixed buffer or a growing vector.

#include "pinfiber/bytes/byte_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pinfiber/bytes/byte_reader.hpp"
#include "pinfiber/bytes/crc.hpp"
#include "pinfiber/bytes/endian.hpp"
#include "pinfiber/bytes/growable_byte_writer.hpp"

namespace {

using pinfiber::ByteReader;
using pinfiber::BytesOverflowError;
using pinfiber::BytesRangeError;
using pinfiber::ByteView;
using pinfiber::ByteWriter;
using pinfiber::GrowableByteWriter;

// Both writers work in constant expressions: a Modbus "read holding registers" request with its CRC.
constexpr std::uint16_t modbus_request_crc() {
  GrowableByteWriter w;
  w.write_u8(0x01);
  w.write_u8(0x03);
  w.write_u16be(0x0000);
  w.write_u16be(0x000a);
  w.write_u16le(pinfiber::crc16_modbus(w.view()));
  ByteReader r(w.view());
  r.skip(6);
  return r.read_u16be();
}
static_assert(modbus_request_crc() == 0xc5cd);  // 01 03 00 00 00 0A C5 CD

static_assert([] {
  std::array<std::uint8_t, 4> b{};
  ByteWriter w(b);
  w.write_i24le(-2);
  w.write_u8(9);
  return b == std::array<std::uint8_t, 4>{0xfe, 0xff, 0xff, 9} && w.remaining() == 0;
}());

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const pinfiber::BytesError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ByteWriter, WritesStory9) {
  std::array<std::uint8_t, 8> b{};
  ByteWriter w(b);
  w.write_u32be(2043455163);
  w.write_u32le(2043455163);
  EXPECT_EQ(b, (std::array<std::uint8_t, 8>{'y', 0xcc, 0xa6, 0xbb, 0xbb, 0xa6, 0xcc, 'y'}));
  EXPECT_EQ(w.position(), 8u);
}

// Each named write, read back with the matching named read.
template <class Writer>
void expect_named_writes_round_trip(Writer& w) {
  w.write_u8(0xfe);
  w.write_i8(-2);
  w.write_u16be(0xfedc);
  w.write_u16le(0xfedc);
  w.write_i16be(-300);
  w.write_i16le(-300);
  w.write_u24be(0xfedcba);
  w.write_u24le(0xfedcba);
  w.write_i24be(-8388608);
  w.write_i24le(8388607);
  w.write_u32be(0xfedcba98);
  w.write_u32le(0xfedcba98);
  w.write_i32be(-2);
  w.write_i32le(-70000);
  w.write_u48be(0xfedcba987654);
  w.write_u48le(0xfedcba987654);
  w.write_i48be(-(std::int64_t{1} << 47));
  w.write_i48le(-3);
  w.write_u64be(0xfedcba9876543210);
  w.write_u64le(0xfedcba9876543210);
  w.write_i64be(-4);
  w.write_i64le(std::numeric_limits<std::int64_t>::min());
  w.write_f32be(1.5f);
  w.write_f32le(-0.25f);
  w.write_f64be(1e300);
  w.write_f64le(-1e-300);
  const std::array<std::uint8_t, 2> tail{0xaa, 0xbb};
  w.write_bytes(tail);
  w.fill(2, 0x55);

  ByteReader r(w.written());
  EXPECT_EQ(r.read_u8(), 0xfeu);
  EXPECT_EQ(r.read_i8(), -2);
  EXPECT_EQ(r.read_u16be(), 0xfedcu);
  EXPECT_EQ(r.read_u16le(), 0xfedcu);
  EXPECT_EQ(r.read_i16be(), -300);
  EXPECT_EQ(r.read_i16le(), -300);
  EXPECT_EQ(r.read_u24be(), 0xfedcbau);
  EXPECT_EQ(r.read_u24le(), 0xfedcbau);
  EXPECT_EQ(r.read_i24be(), -8388608);
  EXPECT_EQ(r.read_i24le(), 8388607);
  EXPECT_EQ(r.read_u32be(), 0xfedcba98u);
  EXPECT_EQ(r.read_u32le(), 0xfedcba98u);
  EXPECT_EQ(r.read_i32be(), -2);
  EXPECT_EQ(r.read_i32le(), -70000);
  EXPECT_EQ(r.read_u48be(), 0xfedcba987654u);
  EXPECT_EQ(r.read_u48le(), 0xfedcba987654u);
  EXPECT_EQ(r.read_i48be(), -(std::int64_t{1} << 47));
  EXPECT_EQ(r.read_i48le(), -3);
  EXPECT_EQ(r.read_u64be(), 0xfedcba9876543210u);
  EXPECT_EQ(r.read_u64le(), 0xfedcba9876543210u);
  EXPECT_EQ(r.read_i64be(), -4);
  EXPECT_EQ(r.read_i64le(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(r.read_f32be(), 1.5f);
  EXPECT_EQ(r.read_f32le(), -0.25f);
  EXPECT_EQ(r.read_f64be(), 1e300);
  EXPECT_EQ(r.read_f64le(), -1e-300);
  EXPECT_EQ(r.read_u16be(), 0xaabbu);
  EXPECT_EQ(r.read_u16be(), 0x5555u);
  EXPECT_TRUE(r.at_end());
}

TEST(ByteWriter, NamedWritesRoundTrip) {
  std::array<std::byte, 128> b{};
  ByteWriter w(b);
  expect_named_writes_round_trip(w);
  EXPECT_EQ(w.position(), 2u + 8 + 12 + 16 + 24 + 32 + 8 + 16 + 2 + 2);
}

TEST(GrowableByteWriter, NamedWritesRoundTrip) {
  GrowableByteWriter w(16);
  expect_named_writes_round_trip(w);
  EXPECT_EQ(w.size(), 2u + 8 + 12 + 16 + 24 + 32 + 8 + 16 + 2 + 2);
}

TEST(ByteWriter, SkippedFieldsAreFilledInLater) {
  std::array<std::uint8_t, 6> b{};
  ByteWriter w(b);
  w.write_u8(0x42);
  const auto length_at = w.position();
  w.skip(2);
  w.write_u8(1);
  w.write_u8(2);
  pinfiber::store_u16be(w.written(), length_at, static_cast<std::uint16_t>(w.position() - length_at - 2));
  EXPECT_EQ(w.written().size(), 5u);
  EXPECT_EQ(b, (std::array<std::uint8_t, 6>{0x42, 0, 2, 1, 2, 0}));
}

TEST(ByteWriter, WritingPastTheEndWritesNothing) {
  std::array<std::uint8_t, 8> b{};
  ByteWriter w(b);
  w.skip(6);
  EXPECT_THROW(w.write_u32be(1), BytesRangeError);
  EXPECT_EQ(error_of([&] { w.write_u32be(1); }), "write u32be at offset 6 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] {
              w.write_bytes(std::array<std::uint8_t, 3>{1, 2, 3});
            }),
            "write 3 bytes at offset 6 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { w.skip(3); }), "write 3 bytes at offset 6 of 8 bytes: past the end");
  EXPECT_EQ(w.position(), 6u);
  EXPECT_EQ(b, (std::array<std::uint8_t, 8>{}));
  w.write_u16be(0x0102);
  EXPECT_EQ(w.remaining(), 0u);
  EXPECT_EQ(error_of([&] { w.write_u8(1); }), "write u8 at offset 8 of 8 bytes: past the end");
}

TEST(ByteWriter, ValuesThatDoNotFitAreOverflowErrors) {
  std::array<std::uint8_t, 8> b{};
  ByteWriter w(b);
  EXPECT_THROW(w.write_u24be(0x1000000), BytesOverflowError);
  EXPECT_EQ(error_of([&] { w.write_i48le(std::int64_t{1} << 47); }),
            "write i48le: value 140737488355328 does not fit in 6 bytes");
  EXPECT_EQ(w.position(), 0u);
  GrowableByteWriter g;
  EXPECT_THROW(g.write_u48be(std::uint64_t{1} << 48), BytesOverflowError);
  EXPECT_EQ(g.size(), 0u);
}

TEST(GrowableByteWriter, TakeHandsOverTheBytes) {
  GrowableByteWriter w;
  w.write_u32be(2043455163);
  w.skip(1);
  std::vector<std::byte> bytes = w.take();
  ASSERT_EQ(bytes.size(), 5u);
  EXPECT_EQ(bytes[0], std::byte{'y'});
  EXPECT_EQ(bytes[4], std::byte{0});
  EXPECT_EQ(w.size(), 0u);
  w.write_u8(7);
  EXPECT_EQ(w.bytes().size(), 1u);
  w.clear();
  EXPECT_TRUE(w.view().empty());
}

}  // namespace
