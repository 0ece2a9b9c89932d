#pragma once
// ByteWriter: a cursor that writes numbers and bytes in order into a buffer the caller owns.

#include <cstddef>

#include "pinfiber/bytes/byte_view.hpp"
#include "pinfiber/bytes/detail/errors.hpp"
#include "pinfiber/bytes/detail/writer_ops.hpp"

namespace pinfiber {

/// Writes numbers and bytes one after another into a fixed buffer (a frame on the stack, a DMA
/// buffer), advancing its position; it never allocates. A write that does not fit throws
/// BytesRangeError ("write u32be at offset 6 of 8 bytes: past the end") and writes nothing.
/// Usable in constant expressions. The buffer must outlive the writer.
///
///     std::array<std::uint8_t, 8> frame;
///     pinfiber::ByteWriter w(frame);
///     w.write_u8(0x42); w.write_u16be(length); w.write_bytes(payload);
class ByteWriter : public detail::WriterOps<ByteWriter> {
 public:
  /// A writer at the start of buffer.
  constexpr explicit ByteWriter(MutableByteView buffer) noexcept : buffer_(buffer) {}

  /// The offset of the next byte to write, which is also the number of bytes written.
  constexpr std::size_t position() const noexcept { return position_; }
  /// The size of the buffer.
  constexpr std::size_t size() const noexcept { return buffer_.size(); }
  /// The room left.
  constexpr std::size_t remaining() const noexcept { return buffer_.size() - position_; }

  /// Steps over n bytes, leaving them as they are, to be filled in later through written() (a
  /// length or checksum known only at the end). Throws BytesRangeError when there is no room.
  constexpr void skip(std::size_t n) { claim_(detail::Item{'b', n, std::endian::big}); }

  /// The bytes written (and skipped) so far: [0, position()). Writable, so that a field skipped
  /// earlier can be filled in with store_u16be(w.written(), offset, value) and the like.
  constexpr MutableByteView written() const { return buffer_.subview(0, position_); }

 private:
  friend class detail::WriterOps<ByteWriter>;

  constexpr std::size_t claim_(detail::Item item) {
    if (item.width > remaining()) detail::throw_past_end("write", item, position_, buffer_.size());
    const std::size_t at = position_;
    position_ += item.width;
    return at;
  }
  constexpr MutableByteView storage_() const noexcept { return buffer_; }

  MutableByteView buffer_;
  std::size_t position_ = 0;
};

}  // namespace pinfiber
