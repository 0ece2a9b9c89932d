#pragma once
// GrowableByteWriter: a writer that owns its bytes and grows as it is written to.

#include <cstddef>
#include <utility>
#include <vector>

#include "pinfiber/bytes/byte_view.hpp"
#include "pinfiber/bytes/detail/errors.hpp"
#include "pinfiber/bytes/detail/writer_ops.hpp"

namespace pinfiber {

/// Writes numbers and bytes one after another into a std::vector<std::byte> that it owns and grows,
/// for messages whose size is not known in advance; take() hands the vector over. The same writes
/// as ByteWriter; only running out of memory can make one fail. Usable in constant expressions (the
/// vector must not outlive the evaluation, as always in C++20).
///
///     pinfiber::GrowableByteWriter w;
///     w.write_u8(0x01); w.write_u16be(register_address); w.write_u16le(crc);
///     port.write(w.view());
class GrowableByteWriter : public detail::WriterOps<GrowableByteWriter> {
 public:
  /// An empty writer.
  constexpr GrowableByteWriter() = default;

  /// An empty writer that can hold capacity bytes before it allocates again.
  constexpr explicit GrowableByteWriter(std::size_t capacity) { bytes_.reserve(capacity); }

  /// The number of bytes written (and skipped), which is where the next byte goes.
  constexpr std::size_t position() const noexcept { return bytes_.size(); }
  /// Same as position(): everything written is kept.
  constexpr std::size_t size() const noexcept { return bytes_.size(); }

  /// Appends n zero bytes, to be filled in later through written() (a length or checksum known
  /// only at the end).
  constexpr void skip(std::size_t n) { fill(n, 0); }

  /// The bytes written so far, writable so that a field skipped earlier can be filled in. The view
  /// is invalidated by the next write, as a std::vector iterator is. A write must not be given bytes
  /// viewed from this writer itself (write_bytes(w.written()) reads freed memory once it grows).
  constexpr MutableByteView written() noexcept { return bytes_; }
  /// The bytes written so far, read-only; invalidated by the next write.
  constexpr ByteView view() const noexcept { return bytes_; }
  /// The bytes written so far.
  constexpr const std::vector<std::byte>& bytes() const noexcept { return bytes_; }

  /// Hands over the bytes written; the writer is empty afterwards and can be reused.
  constexpr std::vector<std::byte> take() noexcept { return std::exchange(bytes_, {}); }
  /// Forgets the bytes written, keeping the memory for the next message.
  constexpr void clear() noexcept { bytes_.clear(); }

 private:
  friend class detail::WriterOps<GrowableByteWriter>;

  constexpr std::size_t claim_(detail::Item item) {
    const std::size_t at = bytes_.size();
    // A wrapped size would shrink the vector instead of growing it.
    if (item.width > bytes_.max_size() - at) detail::throw_past_end("write", item, at, bytes_.max_size());
    // insert, not resize: clang 14 cannot evaluate libstdc++'s resize in a constant expression.
    bytes_.insert(bytes_.end(), item.width, std::byte{0});
    return at;
  }
  constexpr MutableByteView storage_() noexcept { return bytes_; }

  std::vector<std::byte> bytes_;
};

}  // namespace pinfiber
