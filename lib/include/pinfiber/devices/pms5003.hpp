#pragma once
// The Plantower PMS5003 particulate sensor's serial protocol: 32-byte frames at 9600 8N1, sent about
// once a second in its default (active) mode.
//
//   offset  0  0x42 0x4D                       header ("BM")
//           2  u16be frame length              28: the bytes after this field
//           4  13 x u16be data                 see Pms5003Frame, in that order
//          30  u16be check code                sum16 of bytes 0..29
//
// Every 16-bit field is big-endian.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pinfiber/bytes/byte_view.hpp"

namespace pinfiber::devices {

/// The size of one frame on the wire.
inline constexpr std::size_t pms5003_frame_size = 32;
/// The value of the frame length field: the 26 data bytes plus the 2 check bytes.
inline constexpr std::uint16_t pms5003_frame_length = 28;

/// One measurement, the thirteen data fields in wire order. Concentrations are in ug/m3; counts are
/// particles larger than the size named per 0.1 L of air.
struct Pms5003Frame {
  std::uint16_t pm1_0_standard = 0;  ///< PM1.0 concentration, "CF=1, standard particle" (factory use)
  std::uint16_t pm2_5_standard = 0;
  std::uint16_t pm10_standard = 0;
  std::uint16_t pm1_0_atmospheric = 0;  ///< PM1.0 "under atmospheric environment": the one to display
  std::uint16_t pm2_5_atmospheric = 0;
  std::uint16_t pm10_atmospheric = 0;
  std::uint16_t particles_0_3um = 0;  ///< count of particles > 0.3 um per 0.1 L
  std::uint16_t particles_0_5um = 0;
  std::uint16_t particles_1_0um = 0;
  std::uint16_t particles_2_5um = 0;
  std::uint16_t particles_5_0um = 0;
  std::uint16_t particles_10um = 0;
  std::uint16_t reserved = 0;  ///< undocumented; some firmware puts a version/error code here

  friend bool operator==(const Pms5003Frame&, const Pms5003Frame&) = default;
};

/// The 32 bytes a sensor would send for `frame`, check code included: for simulators and tests.
/// Never blocks, never throws.
std::array<std::uint8_t, pms5003_frame_size> encode_pms5003(const Pms5003Frame& frame) noexcept;

/// What the parser found at one header.
enum class Pms5003Status : std::uint8_t {
  ok,            ///< a good frame
  bad_length,    ///< the length field is not 28
  bad_checksum,  ///< the check code is not the sum of the 30 bytes before it
};

/// One result of Pms5003Parser: a good frame, or a rejected one and why.
struct Pms5003Result {
  Pms5003Status status = Pms5003Status::ok;
  /// Offset of the frame's header in the stream fed so far (counting every byte ever fed).
  std::uint64_t offset = 0;
  /// The decoded fields; meaningful only when ok().
  Pms5003Frame frame;
  /// The length field as received.
  std::uint16_t length = 0;
  /// For bad_checksum: the check code received and the sum of the bytes.
  std::uint16_t checksum_received = 0;
  std::uint16_t checksum_computed = 0;

  bool ok() const noexcept { return status == Pms5003Status::ok; }
  /// Why the frame was rejected, in words: "bad checksum: frame says 0x0123, bytes sum to 0x0124",
  /// "bad length: 29, expected 28"; "ok" for a good frame. Throws std::bad_alloc only.
  std::string reason() const;
};

/// Checks and decodes one frame held in exactly pms5003_frame_size bytes starting with the header.
/// Returns the result (offset 0), good or rejected. Throws pinfiber::Error when `bytes` is not 32
/// bytes long or does not start with 0x42 0x4D (not a frame at all). Never blocks.
Pms5003Result decode_pms5003(ByteView bytes);

/// Turns a byte stream from a PMS5003 into frames. Feed it bytes as they arrive, in any chunking,
/// then take results with next() until it returns false. Bytes before a header are skipped (counted
/// by skipped_bytes()); a frame with a bad length or check code is reported, then the search for
/// the next header restarts at the byte after the failed header, so a good frame that begins inside
/// a corrupt one is never lost. The results depend only on the bytes, not on how they were chunked.
///
///   pinfiber::devices::Pms5003Parser parser;
///   parser.feed(chunk);
///   for (pinfiber::devices::Pms5003Result r; parser.next(r);) use(r);
///
/// Holds at most the 31 bytes of an incomplete frame between calls (plus whatever was fed and not
/// yet taken with next()). Never blocks; feed() throws std::bad_alloc only, next() nothing.
class Pms5003Parser {
 public:
  /// Appends bytes to the stream.
  void feed(ByteView bytes);
  /// Takes the next result: true and fills `out`, or false when the bytes fed so far hold no
  /// complete frame (more are needed).
  bool next(Pms5003Result& out) noexcept;

  /// Bytes dropped outside any frame so far (noise, a sensor started mid-frame).
  std::uint64_t skipped_bytes() const noexcept { return skipped_; }
  /// Good frames and rejected frames returned by next() so far.
  std::uint64_t good_frames() const noexcept { return good_; }
  std::uint64_t rejected_frames() const noexcept { return rejected_; }
  /// Bytes fed and not yet consumed (at most 31 after next() has returned false).
  std::size_t pending_bytes() const noexcept { return buffer_.size() - start_; }
  /// Forgets pending bytes (after flush_input on the port, say); the counters stay.
  void reset() noexcept;

 private:
  void drop_(std::size_t n) noexcept;

  std::vector<std::uint8_t> buffer_;
  std::size_t start_ = 0;       // first unconsumed byte of buffer_
  std::uint64_t consumed_ = 0;  // stream offset of buffer_[start_]
  std::uint64_t skipped_ = 0;
  std::uint64_t good_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace pinfiber::devices
