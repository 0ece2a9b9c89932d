// PMS5003 frames. The parser keeps an unconsumed tail in one vector and compacts it on feed(), so a
// large chunk costs one copy, not one erase per frame.

#include "pinfiber/devices/pms5003.hpp"

#include <algorithm>
#include <cstdio>

#include "pinfiber/bytes/byte_reader.hpp"
#include "pinfiber/bytes/byte_writer.hpp"
#include "pinfiber/bytes/checksum.hpp"
#include "pinfiber/core/errors.hpp"

namespace pinfiber::devices {

namespace {

constexpr std::uint8_t header0 = 0x42;
constexpr std::uint8_t header1 = 0x4D;
constexpr std::size_t checked_size = pms5003_frame_size - 2;  // the bytes the check code sums

// Fills in the fields and check result of a 32-byte window that starts with a header and has a
// correct length field.
void decode_checked(ByteView bytes, Pms5003Result& out) {
  ByteReader r(bytes);
  r.skip(2);
  out.length = r.read_u16be();
  Pms5003Frame& f = out.frame;
  for (std::uint16_t* field :
       {&f.pm1_0_standard, &f.pm2_5_standard, &f.pm10_standard, &f.pm1_0_atmospheric, &f.pm2_5_atmospheric,
        &f.pm10_atmospheric, &f.particles_0_3um, &f.particles_0_5um, &f.particles_1_0um, &f.particles_2_5um,
        &f.particles_5_0um, &f.particles_10um, &f.reserved}) {
    *field = r.read_u16be();
  }
  out.checksum_received = r.read_u16be();
  out.checksum_computed = sum16(bytes.subview(0, checked_size));
  out.status = out.checksum_received == out.checksum_computed ? Pms5003Status::ok : Pms5003Status::bad_checksum;
  // A rejected frame's fields are whatever the damaged bytes said: hide them so nobody uses them.
  if (out.status != Pms5003Status::ok) out.frame = Pms5003Frame{};
}

}  // namespace

std::array<std::uint8_t, pms5003_frame_size> encode_pms5003(const Pms5003Frame& f) noexcept {
  std::array<std::uint8_t, pms5003_frame_size> out{};
  ByteWriter w(out);
  w.write_u8(header0);
  w.write_u8(header1);
  w.write_u16be(pms5003_frame_length);
  for (std::uint16_t v : {f.pm1_0_standard, f.pm2_5_standard, f.pm10_standard, f.pm1_0_atmospheric, f.pm2_5_atmospheric,
                          f.pm10_atmospheric, f.particles_0_3um, f.particles_0_5um, f.particles_1_0um,
                          f.particles_2_5um, f.particles_5_0um, f.particles_10um, f.reserved}) {
    w.write_u16be(v);
  }
  w.write_u16be(sum16(ByteView(out).subview(0, checked_size)));
  return out;
}

std::string Pms5003Result::reason() const {
  char buf[80];
  switch (status) {
    case Pms5003Status::ok: return "ok";
    case Pms5003Status::bad_length:
      std::snprintf(buf, sizeof buf, "bad length: %u, expected %u", unsigned{length}, unsigned{pms5003_frame_length});
      return buf;
    case Pms5003Status::bad_checksum:
      std::snprintf(buf, sizeof buf, "bad checksum: frame says 0x%04x, bytes sum to 0x%04x",
                    unsigned{checksum_received}, unsigned{checksum_computed});
      return buf;
  }
  return "unknown status";
}

Pms5003Result decode_pms5003(ByteView bytes) {
  if (bytes.size() != pms5003_frame_size) {
    throw Error("decode PMS5003 frame: " + std::to_string(bytes.size()) + " bytes, expected " +
                std::to_string(pms5003_frame_size));
  }
  if (bytes[0] != header0 || bytes[1] != header1) throw Error("decode PMS5003 frame: no 0x42 0x4D header");
  Pms5003Result out;
  out.length = ByteReader(bytes.subview(2, 2)).read_u16be();
  if (out.length != pms5003_frame_length) {
    out.status = Pms5003Status::bad_length;
    return out;
  }
  decode_checked(bytes, out);
  return out;
}

void Pms5003Parser::feed(ByteView bytes) {
  if (start_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  const std::size_t old = buffer_.size();
  buffer_.resize(old + bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) buffer_[old + i] = bytes[i];
}

void Pms5003Parser::drop_(std::size_t n) noexcept {
  start_ += n;
  consumed_ += n;
}

void Pms5003Parser::reset() noexcept {
  consumed_ += buffer_.size() - start_;
  buffer_.clear();
  start_ = 0;
}

bool Pms5003Parser::next(Pms5003Result& out) noexcept {
  for (;;) {
    const std::uint8_t* p = buffer_.data() + start_;
    const std::size_t n = buffer_.size() - start_;
    // Skip to the next header. A lone 0x42 at the very end may be the first half of one, so it stays.
    std::size_t at = 0;
    while (at < n && !(p[at] == header0 && (at + 1 == n || p[at + 1] == header1))) ++at;
    if (at > 0) {
      skipped_ += at;
      drop_(at);
      continue;
    }
    if (n < 4) return false;  // no header yet, or its length field is incomplete
    // The whole window holds only the view's own bytes, so ByteView's checked reads cannot throw.
    const ByteView window(std::span<const std::uint8_t>(p, std::min(n, pms5003_frame_size)));
    Pms5003Result r;
    r.offset = consumed_;
    r.length = static_cast<std::uint16_t>((p[2] << 8) | p[3]);
    if (r.length != pms5003_frame_length) {
      r.status = Pms5003Status::bad_length;
    } else {
      if (n < pms5003_frame_size) return false;
      decode_checked(window, r);
    }
    if (r.ok()) {
      ++good_;
      drop_(pms5003_frame_size);
    } else {
      // Only the header is known to be bad data: a good frame may start anywhere after it.
      ++rejected_;
      drop_(2);
    }
    out = r;
    return true;
  }
}

}  // namespace pinfiber::devices
