// The PMS5003 frame parser: good frames, each kind of corruption, garbage, any chunking.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <pinfiber/core/errors.hpp>
#include <pinfiber/devices/pms5003.hpp>
#include <vector>

namespace {

using pinfiber::devices::encode_pms5003;
using pinfiber::devices::Pms5003Frame;
using pinfiber::devices::Pms5003Parser;
using pinfiber::devices::Pms5003Result;
using pinfiber::devices::Pms5003Status;
using Bytes = std::vector<std::uint8_t>;

Pms5003Frame sample(std::uint16_t base) {
  Pms5003Frame f;
  f.pm1_0_standard = base;
  f.pm2_5_standard = static_cast<std::uint16_t>(base + 1);
  f.pm10_standard = static_cast<std::uint16_t>(base + 2);
  f.pm1_0_atmospheric = static_cast<std::uint16_t>(base + 3);
  f.pm2_5_atmospheric = static_cast<std::uint16_t>(base + 4);
  f.pm10_atmospheric = static_cast<std::uint16_t>(base + 5);
  f.particles_0_3um = static_cast<std::uint16_t>(base * 100);
  f.particles_0_5um = static_cast<std::uint16_t>(base * 50);
  f.particles_1_0um = static_cast<std::uint16_t>(base * 10);
  f.particles_2_5um = 7;
  f.particles_5_0um = 2;
  f.particles_10um = 1;
  f.reserved = 0x9700;
  return f;
}

Bytes frame_bytes(const Pms5003Frame& f) {
  const auto a = encode_pms5003(f);
  return Bytes(a.begin(), a.end());
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<Pms5003Result> parse(const Bytes& stream, std::size_t chunk = 0) {
  Pms5003Parser parser;
  std::vector<Pms5003Result> out;
  const std::size_t step = chunk == 0 ? std::max<std::size_t>(stream.size(), 1) : chunk;
  for (std::size_t i = 0; i < stream.size(); i += step) {
    parser.feed(std::span<const std::uint8_t>(stream.data() + i, std::min(step, stream.size() - i)));
    for (Pms5003Result r; parser.next(r);) out.push_back(r);
  }
  return out;
}

}  // namespace

TEST(Pms5003, EncodesTheDatasheetLayout) {
  const Bytes b = frame_bytes(sample(10));
  ASSERT_EQ(b.size(), 32u);
  EXPECT_EQ(b[0], 0x42);
  EXPECT_EQ(b[1], 0x4D);
  EXPECT_EQ(b[2], 0x00);
  EXPECT_EQ(b[3], 28);
  EXPECT_EQ(b[4], 0x00);  // PM1.0 standard, big-endian
  EXPECT_EQ(b[5], 10);
  EXPECT_EQ(b[28], 0x97);  // reserved
  std::uint16_t sum = 0;
  for (int i = 0; i < 30; ++i) sum = static_cast<std::uint16_t>(sum + b[i]);
  EXPECT_EQ(b[30], sum >> 8);
  EXPECT_EQ(b[31], sum & 0xff);
}

TEST(Pms5003, DecodesAGoodFrame) {
  const Pms5003Result r = pinfiber::devices::decode_pms5003(frame_bytes(sample(12)));
  ASSERT_TRUE(r.ok()) << r.reason();
  EXPECT_EQ(r.frame, sample(12));
  EXPECT_EQ(r.length, 28);
  EXPECT_EQ(r.reason(), "ok");
}

TEST(Pms5003, DecodeRejectsWhatIsNotAFrame) {
  Bytes b = frame_bytes(sample(1));
  b.pop_back();
  EXPECT_THROW(pinfiber::devices::decode_pms5003(b), pinfiber::Error);
  b = frame_bytes(sample(1));
  b[0] = 0x41;
  EXPECT_THROW(pinfiber::devices::decode_pms5003(b), pinfiber::Error);
}

TEST(Pms5003Parser, YieldsAGoodFrame) {
  const auto results = parse(frame_bytes(sample(5)));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[0].frame, sample(5));
  EXPECT_EQ(results[0].offset, 0u);
}

TEST(Pms5003Parser, ReportsABadChecksumWithBothValues) {
  Bytes b = frame_bytes(sample(5));
  b[10] ^= 0x01;  // one flipped bit in a data field
  Pms5003Parser parser;
  parser.feed(b);
  Pms5003Result r;
  ASSERT_TRUE(parser.next(r));
  EXPECT_EQ(r.status, Pms5003Status::bad_checksum);
  EXPECT_EQ(r.checksum_computed, static_cast<std::uint16_t>(r.checksum_received + 1));
  EXPECT_EQ(r.frame, Pms5003Frame{}) << "a rejected frame's fields must not look usable";
  EXPECT_THAT(r.reason(), ::testing::StartsWith("bad checksum: frame says 0x"));
  EXPECT_FALSE(parser.next(r));
  EXPECT_EQ(parser.rejected_frames(), 1u);
  EXPECT_EQ(parser.good_frames(), 0u);
}

TEST(Pms5003Parser, ReportsABadLengthWithoutWaitingForTheRest) {
  Bytes b = {0x42, 0x4D, 0x00, 0x1D};
  Pms5003Parser parser;
  parser.feed(b);
  Pms5003Result r;
  ASSERT_TRUE(parser.next(r));
  EXPECT_EQ(r.status, Pms5003Status::bad_length);
  EXPECT_EQ(r.length, 29);
  EXPECT_EQ(r.reason(), "bad length: 29, expected 28");
  EXPECT_FALSE(parser.next(r));
}

TEST(Pms5003Parser, SkipsGarbageBetweenFrames) {
  const Bytes garbage = {0x00, 0xff, 0x4D, 0x42, 0x42, 0x13, 0x37};
  const auto results = parse(concat({garbage, frame_bytes(sample(1)), garbage, frame_bytes(sample(2)), {0x42}}));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].frame, sample(1));
  EXPECT_EQ(results[0].offset, garbage.size());
  EXPECT_EQ(results[1].frame, sample(2));
  EXPECT_EQ(results[1].offset, 32 + 2 * garbage.size());
  Pms5003Parser parser;
  parser.feed(concat({garbage, frame_bytes(sample(1)), {0x42}}));
  for (Pms5003Result r; parser.next(r);) {
  }
  EXPECT_EQ(parser.skipped_bytes(), garbage.size());
  EXPECT_EQ(parser.pending_bytes(), 1u) << "a trailing 0x42 may begin the next header";
}

TEST(Pms5003Parser, WaitsForAFrameSplitAcrossChunks) {
  const Bytes b = frame_bytes(sample(3));
  Pms5003Parser parser;
  Pms5003Result r;
  parser.feed(std::span<const std::uint8_t>(b.data(), 1));
  EXPECT_FALSE(parser.next(r));
  parser.feed(std::span<const std::uint8_t>(b.data() + 1, 20));
  EXPECT_FALSE(parser.next(r));
  EXPECT_EQ(parser.pending_bytes(), 21u);
  parser.feed(std::span<const std::uint8_t>(b.data() + 21, 11));
  ASSERT_TRUE(parser.next(r));
  EXPECT_EQ(r.frame, sample(3));
  EXPECT_EQ(parser.pending_bytes(), 0u);
}

TEST(Pms5003Parser, FindsAGoodFrameThatStartsInsideACorruptOne) {
  // A frame cut short (the sensor reset mid-frame) runs into the next one: its 32-byte window holds
  // the start of the good frame, whose header must be found again after the checksum fails.
  Bytes cut = frame_bytes(sample(4));
  cut.resize(20);
  const auto results = parse(concat({cut, frame_bytes(sample(5)), frame_bytes(sample(6))}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, Pms5003Status::bad_checksum);
  EXPECT_EQ(results[0].offset, 0u);
  EXPECT_EQ(results[1].frame, sample(5));
  EXPECT_EQ(results[1].offset, 20u);
  EXPECT_EQ(results[2].frame, sample(6));
}

TEST(Pms5003Parser, FindsAGoodFrameInsideABadLengthHeader) {
  // "BM" with a bad length immediately followed by a good frame, and a header inside the length field.
  const auto results = parse(concat({{0x42, 0x4D, 0x42, 0x4D}, frame_bytes(sample(7))}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].status, Pms5003Status::bad_length);
  EXPECT_EQ(results[0].length, 0x424D);
  EXPECT_EQ(results[1].status, Pms5003Status::bad_length) << "the header inside the length field is checked too";
  EXPECT_EQ(results[1].offset, 2u);
  EXPECT_TRUE(results[2].ok());
  EXPECT_EQ(results[2].offset, 4u);
}

TEST(Pms5003Parser, BackToBackFrames) {
  Bytes stream;
  for (std::uint16_t i = 0; i < 50; ++i) stream = concat({stream, frame_bytes(sample(i))});
  const auto results = parse(stream);
  ASSERT_EQ(results.size(), 50u);
  for (std::uint16_t i = 0; i < 50; ++i) {
    EXPECT_TRUE(results[i].ok());
    EXPECT_EQ(results[i].frame, sample(i));
    EXPECT_EQ(results[i].offset, 32u * i);
  }
}

TEST(Pms5003Parser, SameResultsInEveryChunking) {
  Bytes corrupt = frame_bytes(sample(8));
  corrupt[31] ^= 0xff;
  Bytes bad_length = frame_bytes(sample(9));
  bad_length[3] = 27;
  const Bytes stream = concat({{0x13, 0x42},
                               frame_bytes(sample(1)),
                               corrupt,
                               {0x42, 0x42, 0x4D},
                               frame_bytes(sample(2)),
                               bad_length,
                               frame_bytes(sample(3)),
                               {0x42}});
  const auto whole = parse(stream);
  // good 1, corrupt, the stray "BM" (its length field is the next header), good 2, bad length, good 3.
  ASSERT_EQ(whole.size(), 6u);
  const Pms5003Status want[] = {Pms5003Status::ok, Pms5003Status::bad_checksum, Pms5003Status::bad_length,
                                Pms5003Status::ok, Pms5003Status::bad_length,   Pms5003Status::ok};
  for (std::size_t i = 0; i < whole.size(); ++i) EXPECT_EQ(whole[i].status, want[i]) << "result " << i;
  for (std::size_t chunk = 1; chunk <= 40; ++chunk) {
    const auto parts = parse(stream, chunk);
    ASSERT_EQ(parts.size(), whole.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(parts[i].status, whole[i].status) << "chunk " << chunk << " result " << i;
      EXPECT_EQ(parts[i].offset, whole[i].offset) << "chunk " << chunk << " result " << i;
      EXPECT_EQ(parts[i].frame, whole[i].frame) << "chunk " << chunk << " result " << i;
    }
  }
}

TEST(Pms5003Parser, ResetDropsPendingBytesButKeepsOffsets) {
  const Bytes b = frame_bytes(sample(1));
  Pms5003Parser parser;
  Pms5003Result r;
  parser.feed(std::span<const std::uint8_t>(b.data(), 10));
  EXPECT_FALSE(parser.next(r));
  parser.reset();
  EXPECT_EQ(parser.pending_bytes(), 0u);
  parser.feed(b);
  ASSERT_TRUE(parser.next(r));
  EXPECT_EQ(r.offset, 10u);
}
