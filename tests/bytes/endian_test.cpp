// Loads, stores, from_bytes and to_bytes: story 9's numbers, every width and sign, and the errors.

#include "pinfiber/bytes/endian.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace {

using pinfiber::BytesError;
using pinfiber::BytesOverflowError;
using pinfiber::BytesRangeError;
constexpr auto big = std::endian::big;
constexpr auto little = std::endian::little;

// Python's b'y\xcc\xa6\xbb' (examples/bytes_to_integers.cpp).
constexpr std::array<std::uint8_t, 4> story9{'y', 0xcc, 0xa6, 0xbb};

// Story 9, checked by the compiler: int.from_bytes(..., 'big') and struct.unpack('<L', ...).
static_assert(pinfiber::from_bytes(story9, big) == 2043455163u);
static_assert(pinfiber::from_bytes(story9, little) == 3148270713u);
static_assert(pinfiber::load_u32be(story9) == 2043455163u);
static_assert(pinfiber::load_u32le(story9) == 3148270713u);
// int.from_bytes(..., 'little', signed=True)
static_assert(pinfiber::from_bytes<std::int32_t>(story9, little) == -1146696583);
static_assert(pinfiber::from_bytes<std::int64_t>(story9, little) == -1146696583);
static_assert(pinfiber::to_bytes(2043455163u, 4, big) == pinfiber::to_bytes(3148270713u, 4, little));
static_assert(pinfiber::to_bytes(std::int32_t{-1146696583}, 4, little)[0] == 'y');

// A 24-bit ADC reading is negative when its top bit is set.
constexpr std::array<std::uint8_t, 3> adc_min{0x80, 0x00, 0x00};
static_assert(pinfiber::load_i24be(adc_min) == -8388608);
static_assert(pinfiber::load_u24be(adc_min) == 8388608u);
static_assert(pinfiber::load_i24le(adc_min) == 128);
static_assert(pinfiber::from_bytes<std::int32_t>(adc_min, big) == -8388608);

// Stores in constant expressions.
static_assert([] {
  std::array<std::byte, 6> b{};
  pinfiber::store_i48le(b, 0, -2);
  return pinfiber::load_i48le(b) == -2 && pinfiber::load_u48le(b) == 0xfffffffffffeu;
}());
static_assert(pinfiber::load_f32be(pinfiber::to_bytes(0x3fc00000u, 4, big)) == 1.5f);

TEST(Endian, Story9BytesToIntegers) {
  std::vector<std::byte> bytes{std::byte{'y'}, std::byte{0xcc}, std::byte{0xa6}, std::byte{0xbb}};
  EXPECT_EQ(pinfiber::from_bytes(bytes, big), 2043455163u);
  EXPECT_EQ(pinfiber::from_bytes(bytes, little), 3148270713u);
  EXPECT_EQ(pinfiber::from_bytes<std::int32_t>(bytes, big), 2043455163);
  EXPECT_EQ(pinfiber::from_bytes<std::int32_t>(bytes, little), -1146696583);
}

TEST(Endian, AcceptsSpansOfByteAndUint8) {
  const std::array<std::byte, 2> raw{std::byte{0x12}, std::byte{0x34}};
  std::span<const std::byte> as_bytes = raw;
  std::span<const std::uint8_t> as_uint8 = story9;
  EXPECT_EQ(pinfiber::load_u16be(as_bytes), 0x1234u);
  EXPECT_EQ(pinfiber::load_u16le(as_bytes), 0x3412u);
  EXPECT_EQ(pinfiber::load_u16be(as_uint8, 2), 0xa6bbu);
  std::uint8_t c_array[2] = {0xff, 0xfe};
  EXPECT_EQ(pinfiber::load_i16be(c_array), -2);
}

TEST(Endian, NamedLoadsReadEveryWidthInBothOrders) {
  const std::array<std::uint8_t, 8> b{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88};
  EXPECT_EQ(pinfiber::load_u8(b, 7), 0x88u);
  EXPECT_EQ(pinfiber::load_i8(b, 7), -120);
  EXPECT_EQ(pinfiber::load_u16be(b), 0x0102u);
  EXPECT_EQ(pinfiber::load_u16le(b), 0x0201u);
  EXPECT_EQ(pinfiber::load_i16be(b, 6), 0x0788);
  EXPECT_EQ(pinfiber::load_i16le(b, 6), static_cast<std::int16_t>(0x8807));
  EXPECT_EQ(pinfiber::load_u24be(b), 0x010203u);
  EXPECT_EQ(pinfiber::load_u24le(b), 0x030201u);
  EXPECT_EQ(pinfiber::load_i24be(b, 5), 0x060788);
  EXPECT_EQ(pinfiber::load_i24le(b, 5), 0x880706 - 0x1000000);
  EXPECT_EQ(pinfiber::load_u32be(b), 0x01020304u);
  EXPECT_EQ(pinfiber::load_u32le(b), 0x04030201u);
  EXPECT_EQ(pinfiber::load_i32be(b, 4), 0x05060788);
  EXPECT_EQ(pinfiber::load_i32le(b, 4), static_cast<std::int32_t>(0x88070605u));
  EXPECT_EQ(pinfiber::load_u48be(b), 0x010203040506u);
  EXPECT_EQ(pinfiber::load_u48le(b), 0x060504030201u);
  EXPECT_EQ(pinfiber::load_i48be(b, 2), 0x030405060788);
  EXPECT_EQ(pinfiber::load_i48le(b, 2), static_cast<std::int64_t>(0x880706050403u) - (std::int64_t{1} << 48));
  EXPECT_EQ(pinfiber::load_u64be(b), 0x0102030405060788u);
  EXPECT_EQ(pinfiber::load_u64le(b), 0x8807060504030201u);
  EXPECT_EQ(pinfiber::load_i64be(b), 0x0102030405060788);
  EXPECT_EQ(pinfiber::load_i64le(b), static_cast<std::int64_t>(0x8807060504030201u));
}

TEST(Endian, FloatsAreIeee754) {
  // struct.pack('>f', 1.5) and struct.pack('<d', -2.25)
  const std::array<std::uint8_t, 4> f32{0x3f, 0xc0, 0x00, 0x00};
  const std::array<std::uint8_t, 8> f64{0, 0, 0, 0, 0, 0, 0x02, 0xc0};
  EXPECT_EQ(pinfiber::load_f32be(f32), 1.5f);
  EXPECT_EQ(pinfiber::load_f64le(f64), -2.25);
  std::array<std::uint8_t, 8> out{};
  pinfiber::store_f32le(out, 0, 1.5f);
  EXPECT_EQ(pinfiber::load_u32le(out), 0x3fc00000u);
  pinfiber::store_f64be(out, 0, -2.25);
  EXPECT_EQ(pinfiber::load_f64be(out), -2.25);
  pinfiber::store_f32be(out, 0, std::numeric_limits<float>::infinity());
  EXPECT_EQ(pinfiber::load_f32be(out), std::numeric_limits<float>::infinity());
  pinfiber::store_f64le(out, 0, std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(pinfiber::load_f64le(out) != pinfiber::load_f64le(out));
}

// Every width 1..8, both orders, both signs: to_bytes then from_bytes gives the value back, and the
// fixed-width load/store agree with them.
template <class T, std::size_t Width>
void expect_round_trips() {
  constexpr unsigned bits = 8 * Width;
  std::vector<T> values{0, 1, 0x5a, static_cast<T>(0x5a5a5a5a5a5a5a5au >> (64 - bits))};
  if constexpr (std::is_signed_v<T>) {
    const std::int64_t max = static_cast<std::int64_t>((std::uint64_t{1} << (bits - 1)) - 1);
    values.insert(values.end(), {-1, -2, static_cast<T>(max), static_cast<T>(-max - 1), -0x5a});
  } else {
    values.push_back(static_cast<T>(~std::uint64_t{0} >> (64 - bits)));
  }
  for (auto order : {big, little}) {
    for (T v : values) {
      SCOPED_TRACE(testing::Message() << "width " << Width << " value " << +v << (order == big ? " be" : " le"));
      auto b = pinfiber::to_bytes(v, Width, order);
      ASSERT_EQ(b.size(), Width);
      EXPECT_EQ(pinfiber::from_bytes<T>(b, order), v);
      std::array<std::uint8_t, 10> buffer{};
      pinfiber::store<T, Width>(buffer, 1, v, order);
      EXPECT_TRUE(pinfiber::ByteView(buffer).subview(1, Width) == pinfiber::ByteView(b));
      EXPECT_EQ((pinfiber::load<T, Width>(buffer, 1, order)), v);
      EXPECT_EQ(buffer[0], 0) << "wrote before the field";
      EXPECT_EQ(buffer[1 + Width], 0) << "wrote after the field";
    }
  }
}

TEST(Endian, RoundTripsForEveryWidthAndSign) {
  expect_round_trips<std::uint8_t, 1>();
  expect_round_trips<std::int8_t, 1>();
  expect_round_trips<std::uint16_t, 2>();
  expect_round_trips<std::int16_t, 2>();
  expect_round_trips<std::uint32_t, 3>();
  expect_round_trips<std::int32_t, 3>();
  expect_round_trips<std::uint32_t, 4>();
  expect_round_trips<std::int32_t, 4>();
  expect_round_trips<std::uint64_t, 5>();
  expect_round_trips<std::int64_t, 5>();
  expect_round_trips<std::uint64_t, 6>();
  expect_round_trips<std::int64_t, 6>();
  expect_round_trips<std::uint64_t, 7>();
  expect_round_trips<std::int64_t, 7>();
  expect_round_trips<std::uint64_t, 8>();
  expect_round_trips<std::int64_t, 8>();
}

TEST(Endian, FromBytesIsPythonsIntFromBytes) {
  // Values from CPython's int.from_bytes.
  const std::array<std::uint8_t, 3> minus_two{0xff, 0xff, 0xfe};
  const std::array<std::uint8_t, 3> reading{0xcc, 0xa6, 0xbb};
  EXPECT_EQ(pinfiber::from_bytes<std::int32_t>(minus_two, big), -2);
  EXPECT_EQ(pinfiber::from_bytes<std::int32_t>(reading, big), -3365189);
  EXPECT_EQ(pinfiber::from_bytes(reading, big), 0xcca6bbu);
  EXPECT_EQ(pinfiber::from_bytes(pinfiber::ByteView{}, big), 0u);  // int.from_bytes(b'', ...) == 0
  EXPECT_EQ(pinfiber::from_bytes<std::uint8_t>(std::array<std::uint8_t, 1>{0xff}, little), 0xff);
}

TEST(Endian, ToBytesIsPythonsIntToBytes) {
  auto b = pinfiber::to_bytes(-2, 3, big);  // (-2).to_bytes(3, 'big', signed=True)
  EXPECT_EQ(b[0], 0xff);
  EXPECT_EQ(b[1], 0xff);
  EXPECT_EQ(b[2], 0xfe);
  auto padded = pinfiber::to_bytes(std::uint8_t{5}, 4, little);  // (5).to_bytes(4, 'little')
  EXPECT_EQ(pinfiber::load_u32le(padded), 5u);
  auto negative_wide = pinfiber::to_bytes(std::int8_t{-1}, 8, little);
  EXPECT_EQ(pinfiber::load_u64le(negative_wide), ~std::uint64_t{0});
  std::span<const std::uint8_t> as_span = b;  // a contiguous range of uint8_t
  EXPECT_EQ(as_span.size(), 3u);
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const BytesError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Endian, ReadingPastTheEndIsAClearError) {
  const std::array<std::uint8_t, 8> b{};
  EXPECT_THROW(pinfiber::load_u32be(b, 6), BytesRangeError);
  EXPECT_EQ(error_of([&] { pinfiber::load_u32be(b, 6); }), "load u32be at offset 6 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { pinfiber::load_i24le(b, 9); }), "load i24le at offset 9 of 8 bytes: past the end");
  EXPECT_EQ(error_of([&] { pinfiber::load_u8(pinfiber::ByteView{}); }), "load u8 at offset 0 of 0 bytes: past the end");
  EXPECT_EQ(error_of([&] { pinfiber::load_f64le(b, 1); }), "load f64le at offset 1 of 8 bytes: past the end");
  // An offset near SIZE_MAX must not wrap around into the buffer.
  EXPECT_THROW(pinfiber::load_u16be(b, std::numeric_limits<std::size_t>::max()), BytesRangeError);
  EXPECT_NO_THROW(pinfiber::load_u64be(b, 0));
}

TEST(Endian, StoringPastTheEndChangesNothing) {
  std::array<std::uint8_t, 4> b{1, 2, 3, 4};
  EXPECT_EQ(error_of([&] { pinfiber::store_u32le(b, 1, 0); }), "store u32le at offset 1 of 4 bytes: past the end");
  EXPECT_EQ(b, (std::array<std::uint8_t, 4>{1, 2, 3, 4}));
}

TEST(Endian, ValuesThatDoNotFitAreOverflowErrors) {
  std::array<std::uint8_t, 4> b{};
  EXPECT_THROW(pinfiber::store_u24be(b, 0, 0x1000000), BytesOverflowError);
  EXPECT_EQ(error_of([&] { pinfiber::store_u24be(b, 0, 0x1000000); }),
            "store u24be: value 16777216 does not fit in 3 bytes");
  EXPECT_EQ(error_of([&] { pinfiber::store_i24le(b, 0, -8388609); }),
            "store i24le: value -8388609 does not fit in 3 bytes");
  EXPECT_NO_THROW(pinfiber::store_i24le(b, 0, -8388608));
  EXPECT_NO_THROW(pinfiber::store_u24le(b, 0, 0xffffff));
  EXPECT_EQ(error_of([] { pinfiber::to_bytes(256, 1, big); }), "to_bytes: value 256 does not fit in 1 byte");
  EXPECT_EQ(error_of([] { pinfiber::to_bytes(-129, 1, big); }), "to_bytes: value -129 does not fit in 1 byte");
  EXPECT_EQ(error_of([] { pinfiber::to_bytes(1, 0, big); }), "to_bytes: width 0 is not in 1..8");
  EXPECT_EQ(error_of([] { pinfiber::to_bytes(1, 9, big); }), "to_bytes: width 9 is not in 1..8");
  const std::array<std::uint8_t, 9> nine{};
  EXPECT_THROW(pinfiber::from_bytes(nine, big), BytesOverflowError);
  EXPECT_EQ(error_of([&] { pinfiber::from_bytes<std::int16_t>(story9, big); }),
            "from_bytes: 4 bytes do not fit in a 2-byte integer");
}

}  // namespace
