// ByteReader: reads in order, checks every read, and never moves on a failed one.

#include "pinfiber/bytes/byte_reader.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using pinfiber::ByteReader;
using pinfiber::BytesRangeError;

// A reader works in constant expressions: a PMS5003-like header, then a 24-bit signed reading.
constexpr std::array<std::uint8_t, 8> frame{0x42, 0x4d, 0x00, 0x1c, 0xff, 0xff, 0xfe, 0x07};
static_assert([] {
  ByteReader r(frame);
  bool ok = r.read_u8() == 0x42 && r.peek_u8() == 0x4d && r.read_u8() == 0x4d;
  ok = ok && r.read_u16be() == 28 && r.read_i24be() == -2 && r.remaining() == 1;
  return ok && r.read_u8() == 7 && r.at_end();
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

TEST(ByteReader, ReadsStory9BothWays) {
  const std::vector<std::uint8_t> bytes{'y', 0xcc, 0xa6, 0xbb};
  EXPECT_EQ(ByteReader(bytes).read_u32be(), 2043455163u);
  EXPECT_EQ(ByteReader(bytes).read_u32le(), 3148270713u);
}

TEST(ByteReader, TracksPositionAndRemaining) {
  const std::array<std::uint8_t, 10> b{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  ByteReader r(b);
  EXPECT_EQ(r.size(), 10u);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.read_u16le(), 0x0201u);
  r.skip(3);
  EXPECT_EQ(r.position(), 5u);
  EXPECT_EQ(r.remaining(), 5u);
  EXPECT_EQ(r.read_u24le(), 0x080706u);
  auto rest = r.rest();
  EXPECT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0], 9);
  EXPECT_EQ(r.position(), 8u) << "rest() does not move";
  auto tail = r.read_bytes(2);
  EXPECT_EQ(tail[1], 10);
  EXPECT_TRUE(r.at_end());
  r.seek(1);
  EXPECT_EQ(r.read_i8(), 2);
  r.seek(10);
  EXPECT_TRUE(r.at_end());
}

TEST(ByteReader, ReadsEveryNamedFormat) {
  std::array<std::uint8_t, 8> b{0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  auto at_start = [&] { return ByteReader(b); };
  EXPECT_EQ(at_start().read_u8(), 0xfeu);
  EXPECT_EQ(at_start().read_i8(), -2);
  EXPECT_EQ(at_start().read_u16be(), 0xfedcu);
  EXPECT_EQ(at_start().read_u16le(), 0xdcfeu);
  EXPECT_EQ(at_start().read_i16be(), static_cast<std::int16_t>(0xfedc));
  EXPECT_EQ(at_start().read_i16le(), static_cast<std::int16_t>(0xdcfe));
  EXPECT_EQ(at_start().read_u24be(), 0xfedcbau);
  EXPECT_EQ(at_start().read_u24le(), 0xbadcfeu);
  EXPECT_EQ(at_start().read_i24be(), 0xfedcba - 0x1000000);
  EXPECT_EQ(at_start().read_i24le(), 0xbadcfe - 0x1000000);
  EXPECT_EQ(at_start().read_u32be(), 0xfedcba98u);
  EXPECT_EQ(at_start().read_u32le(), 0x98badcfeu);
  EXPECT_EQ(at_start().read_i32be(), static_cast<std::int32_t>(0xfedcba98u));
  EXPECT_EQ(at_start().read_i32le(), static_cast<std::int32_t>(0x98badcfeu));
  EXPECT_EQ(at_start().read_u48be(), 0xfedcba987654u);
  EXPECT_EQ(at_start().read_u48le(), 0x547698badcfeu);
  EXPECT_EQ(at_start().read_i48be(), static_cast<std::int64_t>(0xfedcba987654u) - (std::int64_t{1} << 48));
  EXPECT_EQ(at_start().read_i48le(), 0x547698badcfe);
  EXPECT_EQ(at_start().read_u64be(), 0xfedcba9876543210u);
  EXPECT_EQ(at_start().read_u64le(), 0x1032547698badcfeu);
  EXPECT_EQ(at_start().read_i64be(), static_cast<std::int64_t>(0xfedcba9876543210u));
  EXPECT_EQ(at_start().read_i64le(), 0x1032547698badcfe);
  b = {0x3f, 0xc0, 0, 0, 0, 0, 0xc0, 0x3f};  // struct.pack('>f', 1.5) + struct.pack('<f', 1.5)
  EXPECT_EQ(at_start().read_f32be(), 1.5f);
  EXPECT_EQ(ByteReader(pinfiber::ByteView(b).subview(4, 4)).read_f32le(), 1.5f);
  b = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0};  // struct.pack('>d', 1.5)
  EXPECT_EQ(at_start().read_f64be(), 1.5);
  b = {0, 0, 0, 0, 0, 0, 0xf8, 0x3f};
  EXPECT_EQ(at_start().read_f64le(), 1.5);
}

TEST(ByteReader, ReadingPastTheEndSaysWhatWasAttempted) {
  const std::array<std::uint8_t, 8> b{};
  ByteReader r(b);
  r.skip(6);
  EXPECT_THROW(r.read_u32be(), BytesRangeError);
  EXPECT_EQ(error_of([&] { r.read_u32be(); }), "read u32be at offset 6 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { r.read_i24le(); }), "read i24le at offset 6 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { r.read_bytes(3); }), "read 3 bytes at offset 6 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { r.skip(3); }), "skip 3 bytes at offset 6 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { r.seek(9); }), "seek to offset 9 of 8 bytes: past the end");
  EXPECT_EQ(r.position(), 6u) << "a failed read leaves the position alone";
  EXPECT_EQ(r.read_u16be(), 0u);
  EXPECT_EQ(error_of([&] { r.read_u8(); }), "read u8 at offset 8 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { r.peek_u8(); }), "peek u8 at offset 8 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { r.skip(static_cast<std::size_t>(-1)); }),
            "skip " + std::to_string(static_cast<std::size_t>(-1)) + " bytes at offset 8 of 8 bytes: past the end");
}

TEST(ByteReader, AnEmptyReaderIsAtTheEnd) {
  ByteReader r{pinfiber::ByteView{}};
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.read_bytes(0).size(), 0u);
  EXPECT_THROW(r.read_u8(), BytesRangeError);
}

}  // namespace
