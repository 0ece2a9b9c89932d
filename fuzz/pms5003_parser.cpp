// Fuzz target for the PMS5003 stream parser. Whatever the bytes: no crash, no endless loop, every
// frame it calls good is a real frame of the input (header, length 28, check code right), every
// rejection points at a header that really is bad, the bytes are all accounted for, and feeding
// the input whole, byte by byte or in input-chosen chunks gives the same results.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

// The parser is one source file that needs only header-only layers (bytes, core errors), so the
// target compiles it in rather than linking the library (scripts/fuzz builds each target alone).
#include "../lib/src/devices/pms5003.cpp"

namespace {

using pinfiber::devices::Pms5003Parser;
using pinfiber::devices::Pms5003Result;
using pinfiber::devices::Pms5003Status;

void check(bool ok) {
  if (!ok) std::abort();
}

// Feeds data[0..size) in chunks of the sizes `chunk(i)` returns and collects every result.
template <class Chunk>
std::vector<Pms5003Result> run(const std::uint8_t* data, std::size_t size, Chunk chunk) {
  Pms5003Parser parser;
  std::vector<Pms5003Result> out;
  std::size_t at = 0;
  for (std::size_t i = 0; at < size; ++i) {
    const std::size_t n = std::min(chunk(i), size - at);
    parser.feed(std::span<const std::uint8_t>(data + at, n));
    at += n;
    for (Pms5003Result r; parser.next(r);) {
      out.push_back(r);
      check(out.size() <= size);  // each result consumes at least one byte: anything more is a loop
    }
    check(parser.pending_bytes() < pinfiber::devices::pms5003_frame_size);
  }
  check(parser.good_frames() + parser.rejected_frames() == out.size());
  // Every byte fed is a good frame's, a rejected header's, skipped, or still pending.
  check(parser.good_frames() * 32 + parser.rejected_frames() * 2 + parser.skipped_bytes() + parser.pending_bytes() ==
        size);
  return out;
}

bool same(const std::vector<Pms5003Result>& a, const std::vector<Pms5003Result>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].status != b[i].status || a[i].offset != b[i].offset || !(a[i].frame == b[i].frame) ||
        a[i].length != b[i].length) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto whole = run(data, size, [size](std::size_t) { return size; });

  std::uint64_t previous_end = 0;
  for (const Pms5003Result& r : whole) {
    check(r.offset >= previous_end);  // nothing is reported from inside a good frame
    check(r.offset + 4 <= size);
    check(data[r.offset] == 0x42 && data[r.offset + 1] == 0x4D);
    const std::uint16_t length = static_cast<std::uint16_t>((data[r.offset + 2] << 8) | data[r.offset + 3]);
    check(length == r.length);
    switch (r.status) {
      case Pms5003Status::ok: {
        // The frame re-encoded must be exactly the input's 32 bytes there: header, length, fields
        // and a check code that sums the 30 bytes before it.
        check(r.offset + 32 <= size);
        const auto encoded = pinfiber::devices::encode_pms5003(r.frame);
        check(std::memcmp(encoded.data(), data + r.offset, 32) == 0);
        std::uint16_t sum = 0;
        for (std::size_t i = 0; i < 30; ++i) sum = static_cast<std::uint16_t>(sum + data[r.offset + i]);
        check(sum == static_cast<std::uint16_t>((data[r.offset + 30] << 8) | data[r.offset + 31]));
        previous_end = r.offset + 32;
        break;
      }
      case Pms5003Status::bad_length: check(length != 28); break;
      case Pms5003Status::bad_checksum:
        check(length == 28 && r.offset + 32 <= size && r.checksum_received != r.checksum_computed);
        break;
    }
    check(!r.reason().empty());
  }

  check(same(whole, run(data, size, [](std::size_t) { return std::size_t{1}; })));
  // Chunk sizes taken from the input itself, so the fuzzer explores splits at every position.
  check(same(whole, run(data, size, [&](std::size_t i) { return std::size_t{size ? data[i % size] % 40u : 0u} + 1; })));
  return 0;
}
