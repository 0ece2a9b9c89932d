// ByteView and MutableByteView: made from every byte container, checked indexing.

#include "pinfiber/bytes/byte_view.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace {

using pinfiber::BytesRangeError;
using pinfiber::ByteView;
using pinfiber::MutableByteView;

static_assert(ByteView(std::string_view("AB"))[1] == 'B');
static_assert(ByteView(std::array<std::uint8_t, 2>{1, 2}) ==
              ByteView(std::array<std::byte, 2>{std::byte{1}, std::byte{2}}));
static_assert(ByteView(std::string_view("\x01\x02")) == ByteView(std::array<std::uint8_t, 2>{1, 2}));
static_assert(!(ByteView(std::string_view("ab")) == ByteView(std::string_view("abc"))));
static_assert([] {
  std::array<std::uint8_t, 3> b{};
  MutableByteView m = b;
  m.subview(1, 2).set(1, 9);
  return b[2] == 9 && ByteView(m).size() == 3;
}());

TEST(ByteView, IsMadeFromEveryByteContainer) {
  std::vector<std::byte> bytes{std::byte{1}, std::byte{2}};
  std::vector<std::uint8_t> uint8s{1, 2};
  const std::array<std::uint8_t, 2> array{1, 2};
  std::span<const std::byte> const_span = bytes;
  std::span<std::uint8_t> span = uint8s;
  for (ByteView v : {ByteView(bytes), ByteView(uint8s), ByteView(array), ByteView(const_span), ByteView(span),
                     ByteView(std::string_view("\x01\x02"))}) {
    EXPECT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0], 1);
    EXPECT_EQ(v[1], 2);
  }
  MutableByteView m1 = bytes;
  MutableByteView m2 = span;
  m1.set(0, 7);
  m2.set(1, 8);
  EXPECT_EQ(bytes[0], std::byte{7});
  EXPECT_EQ(uint8s[1], 8);
}

TEST(ByteView, IndexingPastTheEndIsAnError) {
  const std::array<std::uint8_t, 2> array{1, 2};
  ByteView v = array;
  EXPECT_THROW(v[2], BytesRangeError);
  try {
    v[5];
  } catch (const BytesRangeError& e) {
    EXPECT_STREQ(e.what(), "index 5 of 2 bytes: past the end");
  }
  EXPECT_THROW(v.subview(1, 2), BytesRangeError);
  EXPECT_THROW(v.subview(3, 0), BytesRangeError);
  EXPECT_EQ(v.subview(2, 0).size(), 0u);
  std::array<std::uint8_t, 2> out{};
  MutableByteView m = out;
  EXPECT_THROW(m.set(2, 1), BytesRangeError);
  EXPECT_THROW(m[2], BytesRangeError);
  EXPECT_THROW(m.subview(0, 3), BytesRangeError);
}

}  // namespace
