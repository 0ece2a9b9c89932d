// Fuzz target for ByteReader: a little interpreter. The input's first byte says how many of the bytes
// after it are operations; the rest is the data the operations read. Every read is checked against
// an independent decoder and written back through both writers, and every failure must be a
// BytesRangeError that leaves the reader where it was. Anything else aborts, which libFuzzer reports.
//
// Build and run with scripts/fuzz.

#include <pinfiber/bytes.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what, std::size_t position) {
  std::fprintf(stderr, "fuzz byte_reader: %s (at position %zu)\n", what, position);
  std::abort();
}

void expect(bool ok, const char* what, std::size_t position) {
  if (!ok) fail(what, position);
}

// Written without the library's helpers: accumulate in the wire order, subtract 2^bits for a
// negative two's complement number.
template <class T, std::size_t Width>
T reference_decode(std::span<const std::uint8_t> data, std::size_t at, std::endian order) {
  std::uint64_t raw = 0;
  for (std::size_t i = 0; i < Width; ++i) {
    const std::uint64_t byte = data[at + i];
    if (order == std::endian::big) {
      raw = (raw << 8) | byte;
    } else {
      raw |= byte << (8 * i);
    }
  }
  if constexpr (std::is_floating_point_v<T>) {
    if constexpr (sizeof(T) == 4) {
      return std::bit_cast<T>(static_cast<std::uint32_t>(raw));
    } else {
      return std::bit_cast<T>(raw);
    }
  } else if constexpr (std::is_signed_v<T>) {
    constexpr unsigned bits = 8 * Width;
    if (bits < 64 && (raw >> (bits - 1)) != 0) {
      return static_cast<T>(static_cast<std::int64_t>(raw) -
                            static_cast<std::int64_t>(std::uint64_t{1} << (bits % 64)));
    }
    return static_cast<T>(static_cast<std::int64_t>(raw));
  } else {
    return static_cast<T>(raw);
  }
}

template <class T>
bool same_bits(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;  // NaN != NaN, yet its bits must survive
  } else {
    return a == b;
  }
}

// One read through `read` (a named read of T, Width bytes, order): success exactly when the bytes
// are there, the value the reference decoder gives, the position moved by Width, and writing the
// value back gives the same bytes.
template <class T, std::size_t Width, class Read>
void check_read(pinfiber::ByteReader& reader, std::span<const std::uint8_t> data, std::endian order, Read read) {
  const std::size_t before = reader.position();
  const bool fits = Width <= reader.remaining();
  T value{};
  try {
    value = read();
  } catch (const pinfiber::BytesRangeError&) {
    expect(!fits, "a read that fits threw", before);
    expect(reader.position() == before, "a failed read moved the reader", before);
    return;
  }
  expect(fits, "a read past the end succeeded", before);
  expect(reader.position() == before + Width, "a read moved by the wrong amount", before);
  expect(same_bits(value, reference_decode<T, Width>(data, before, order)), "a read disagrees with the reference",
         before);
  expect(same_bits(pinfiber::load<T, Width>(data, before, order), value), "load disagrees with read", before);

  std::array<std::uint8_t, 8> out{};
  pinfiber::ByteWriter writer(out);
  writer.template write<T, Width>(value, order);
  pinfiber::GrowableByteWriter growable;
  growable.template write<T, Width>(value, order);
  const pinfiber::ByteView original = pinfiber::ByteView(data).subview(before, Width);
  expect(writer.written() == original, "ByteWriter did not write the bytes read", before);
  expect(growable.view() == original, "GrowableByteWriter did not write the bytes read", before);
}

// from_bytes of n bytes, then to_bytes back, must give the same bytes, for both signs and orders.
void check_from_to_bytes(pinfiber::ByteView bytes, std::size_t position) {
  for (auto order : {std::endian::big, std::endian::little}) {
    const std::uint64_t u = pinfiber::from_bytes(bytes, order);
    const std::int64_t s = pinfiber::from_bytes<std::int64_t>(bytes, order);
    if (bytes.empty()) {
      expect(u == 0 && s == 0, "from_bytes of nothing is not 0", position);
      continue;
    }
    expect(pinfiber::ByteView(pinfiber::to_bytes(u, bytes.size(), order)) == bytes, "unsigned round trip", position);
    expect(pinfiber::ByteView(pinfiber::to_bytes(s, bytes.size(), order)) == bytes, "signed round trip", position);
  }
}

void check_checksums(pinfiber::ByteView bytes, std::size_t position) {
  expect(pinfiber::Crc8Sensirion::compute(bytes) == pinfiber::Crc8Sensirion::compute_bitwise(bytes), "crc8", position);
  expect(pinfiber::Crc8Maxim::compute(bytes) == pinfiber::Crc8Maxim::compute_bitwise(bytes), "crc8 maxim", position);
  expect(pinfiber::Crc16Modbus::compute(bytes) == pinfiber::Crc16Modbus::compute_bitwise(bytes), "modbus", position);
  expect(pinfiber::Crc16Xmodem::compute(bytes) == pinfiber::Crc16Xmodem::compute_bitwise(bytes), "xmodem", position);
  expect(pinfiber::Crc32::compute(bytes) == pinfiber::Crc32::compute_bitwise(bytes), "crc32", position);
}

// A cursor argument: usually small, sometimes beyond any buffer, so that overflow checks are hit.
std::size_t argument(std::uint8_t a) {
  if (a == 0xff) return std::numeric_limits<std::size_t>::max();
  if (a == 0xfe) return std::numeric_limits<std::size_t>::max() - 1;
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* input, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t op_count = std::min<std::size_t>(input[0] & 0x3f, size - 1);
  const std::span<const std::uint8_t> ops(input + 1, op_count);
  // A copy, so that ASan sees a buffer of exactly this size and reports any read beyond it.
  const std::vector<std::uint8_t> data(input + 1 + op_count, input + size);

  constexpr auto be = std::endian::big;
  constexpr auto le = std::endian::little;
  pinfiber::ByteReader r(data);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::uint8_t op = ops[i];
    const std::uint8_t arg = i + 1 < ops.size() ? ops[i + 1] : 0;
    const std::size_t at = r.position();
    switch (op % 36) {
      case 0: check_read<std::uint8_t, 1>(r, data, be, [&] { return r.read_u8(); }); break;
      case 1: check_read<std::int8_t, 1>(r, data, be, [&] { return r.read_i8(); }); break;
      case 2: check_read<std::uint16_t, 2>(r, data, be, [&] { return r.read_u16be(); }); break;
      case 3: check_read<std::uint16_t, 2>(r, data, le, [&] { return r.read_u16le(); }); break;
      case 4: check_read<std::int16_t, 2>(r, data, be, [&] { return r.read_i16be(); }); break;
      case 5: check_read<std::int16_t, 2>(r, data, le, [&] { return r.read_i16le(); }); break;
      case 6: check_read<std::uint32_t, 3>(r, data, be, [&] { return r.read_u24be(); }); break;
      case 7: check_read<std::uint32_t, 3>(r, data, le, [&] { return r.read_u24le(); }); break;
      case 8: check_read<std::int32_t, 3>(r, data, be, [&] { return r.read_i24be(); }); break;
      case 9: check_read<std::int32_t, 3>(r, data, le, [&] { return r.read_i24le(); }); break;
      case 10: check_read<std::uint32_t, 4>(r, data, be, [&] { return r.read_u32be(); }); break;
      case 11: check_read<std::uint32_t, 4>(r, data, le, [&] { return r.read_u32le(); }); break;
      case 12: check_read<std::int32_t, 4>(r, data, be, [&] { return r.read_i32be(); }); break;
      case 13: check_read<std::int32_t, 4>(r, data, le, [&] { return r.read_i32le(); }); break;
      case 14: check_read<std::uint64_t, 6>(r, data, be, [&] { return r.read_u48be(); }); break;
      case 15: check_read<std::uint64_t, 6>(r, data, le, [&] { return r.read_u48le(); }); break;
      case 16: check_read<std::int64_t, 6>(r, data, be, [&] { return r.read_i48be(); }); break;
      case 17: check_read<std::int64_t, 6>(r, data, le, [&] { return r.read_i48le(); }); break;
      case 18: check_read<std::uint64_t, 8>(r, data, be, [&] { return r.read_u64be(); }); break;
      case 19: check_read<std::uint64_t, 8>(r, data, le, [&] { return r.read_u64le(); }); break;
      case 20: check_read<std::int64_t, 8>(r, data, be, [&] { return r.read_i64be(); }); break;
      case 21: check_read<std::int64_t, 8>(r, data, le, [&] { return r.read_i64le(); }); break;
      case 22: check_read<float, 4>(r, data, be, [&] { return r.read_f32be(); }); break;
      case 23: check_read<float, 4>(r, data, le, [&] { return r.read_f32le(); }); break;
      case 24: check_read<double, 8>(r, data, be, [&] { return r.read_f64be(); }); break;
      case 25: check_read<double, 8>(r, data, le, [&] { return r.read_f64le(); }); break;
      case 26:
        check_read<std::uint8_t, 1>(r, data, be, [&] {
          const std::uint8_t peeked = r.peek_u8();
          expect(r.position() == at, "peek moved the reader", at);
          r.skip(1);
          return peeked;
        });
        break;
      case 27:
      case 28:
      case 29: {  // skip, seek, read_bytes with the next operation byte as argument
        ++i;
        const std::size_t n = argument(arg);
        const std::size_t target = op % 36 == 28 ? n : at + n;
        const bool ok = op % 36 == 28 ? n <= r.size() : n <= r.remaining();
        try {
          if (op % 36 == 27) r.skip(n);
          if (op % 36 == 28) r.seek(n);
          if (op % 36 == 29) {
            const pinfiber::ByteView bytes = r.read_bytes(n);
            expect(bytes == pinfiber::ByteView(data).subview(at, n), "read_bytes gave other bytes", at);
          }
          expect(ok, "a cursor move past the end succeeded", at);
          expect(r.position() == target, "a cursor move went elsewhere", at);
        } catch (const pinfiber::BytesRangeError&) {
          expect(!ok, "a cursor move inside the bytes threw", at);
          expect(r.position() == at, "a failed cursor move moved the reader", at);
        }
        break;
      }
      case 30: {  // from_bytes / to_bytes over up to 8 bytes of what is left
        ++i;
        const std::size_t n = std::min<std::size_t>(arg % 9, r.remaining());
        check_from_to_bytes(r.rest().subview(0, n), at);
        break;
      }
      case 31: check_checksums(r.rest(), at); break;
      case 32: {  // a load at an arbitrary offset, past the end included
        ++i;
        const std::size_t offset = argument(arg);
        const bool fits = offset <= data.size() && 3 <= data.size() - offset;
        try {
          const std::int32_t v = pinfiber::load_i24le(data, offset);
          expect(fits && v == reference_decode<std::int32_t, 3>(data, offset, le), "load_i24le", offset);
        } catch (const pinfiber::BytesRangeError&) {
          expect(offset > data.size() || 3 > data.size() - offset, "load_i24le threw inside the bytes", offset);
        }
        break;
      }
      case 33:
        expect(r.position() + r.remaining() == r.size() && r.size() == data.size(), "cursor arithmetic", at);
        expect(r.at_end() == (r.remaining() == 0), "at_end", at);
        break;
      default:  // one byte of the data as a view index, checked
        try {
          const std::uint8_t b = pinfiber::ByteView(data)[argument(arg)];
          expect(argument(arg) < data.size() && b == data[argument(arg)], "view index", at);
        } catch (const pinfiber::BytesRangeError&) {
          expect(argument(arg) >= data.size(), "view index inside the bytes threw", at);
        }
        ++i;
        break;
    }
  }
  return 0;
}
