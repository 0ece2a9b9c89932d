#pragma once
// ByteView and MutableByteView: the one parameter type of the bytes layer.
//
// Device code holds its bytes as std::byte, as uint8_t (most C APIs and datasheets) or as char (text
// protocols). std::span<const std::byte> cannot be made from uint8_t in a constant expression (that
// takes a reinterpret_cast), and a template on the element type cannot deduce from a std::vector or a
// std::array. So every function of the layer takes a ByteView, which is made implicitly from any of
// them and remembers which element type it points at; everything stays constexpr.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>

#include "pinfiber/bytes/detail/errors.hpp"

namespace pinfiber {

static_assert(std::is_same_v<std::uint8_t, unsigned char>,
              "pinfiber's bytes layer assumes uint8_t is unsigned char, as on every Linux target");

namespace detail {

template <class B>
concept byte_element = std::is_same_v<std::remove_const_t<B>, std::byte> || std::is_same_v < std::remove_const_t<B>,
unsigned char > ;

// A contiguous, sized range of std::byte or uint8_t: std::span, std::array, std::vector, C arrays.
template <class R>
concept byte_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    byte_element<std::remove_reference_t<std::ranges::range_reference_t<R>>>;

// The same, with elements that may be written.
template <class R>
concept mutable_byte_range =
    byte_range<R> && !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>;

enum class ByteKind : unsigned char { byte, uchar, chr };

}  // namespace detail

class ByteView;

/// A non-owning view of writable bytes, made implicitly from std::span<std::byte>,
/// std::span<uint8_t>, std::array or std::vector of either. Like std::span it does not own; unlike
/// it, indexing is checked.
///
///     std::array<std::uint8_t, 4> buffer{};
///     pinfiber::MutableByteView out = buffer;
///     out.set(0, 0x42);
class MutableByteView {
 public:
  /// An empty view.
  constexpr MutableByteView() noexcept = default;

  /// Views the elements of r; r must outlive the view.
  template <detail::mutable_byte_range R>
  constexpr MutableByteView(R&& r) noexcept  // NOLINT(google-explicit-constructor): a view, like span
      : size_(std::ranges::size(r)) {
    auto* p = std::ranges::data(r);
    if constexpr (std::is_same_v<std::remove_pointer_t<decltype(p)>, std::byte>) {
      ptr_.b = p;
      kind_ = detail::ByteKind::byte;
    } else {
      ptr_.u = p;
      kind_ = detail::ByteKind::uchar;
    }
  }

  /// The number of bytes viewed.
  constexpr std::size_t size() const noexcept { return size_; }
  /// Whether the view is empty.
  constexpr bool empty() const noexcept { return size_ == 0; }

  /// The byte at index i; throws BytesRangeError when i >= size().
  constexpr std::uint8_t operator[](std::size_t i) const {
    if (i >= size_) detail::throw_index_past_end(i, size_);
    return kind_ == detail::ByteKind::byte ? std::to_integer<std::uint8_t>(ptr_.b[i]) : ptr_.u[i];
  }

  /// Sets the byte at index i; throws BytesRangeError when i >= size().
  constexpr void set(std::size_t i, std::uint8_t value) {
    if (i >= size_) detail::throw_index_past_end(i, size_);
    if (kind_ == detail::ByteKind::byte) {
      ptr_.b[i] = std::byte{value};
    } else {
      ptr_.u[i] = value;
    }
  }

  /// The count bytes from offset; throws BytesRangeError when they are not all inside the view.
  constexpr MutableByteView subview(std::size_t offset, std::size_t count) const {
    if (offset > size_ || count > size_ - offset) detail::throw_subview_past_end(offset, count, size_);
    MutableByteView v = *this;
    v.size_ = count;
    if (kind_ == detail::ByteKind::byte) {
      v.ptr_.b = ptr_.b + offset;
    } else {
      v.ptr_.u = ptr_.u + offset;
    }
    return v;
  }

  /// The same bytes, read-only.
  constexpr operator ByteView() const noexcept;  // NOLINT(google-explicit-constructor)

 private:
  union Pointer {
    std::byte* b;
    unsigned char* u;
  };
  Pointer ptr_{.b = nullptr};
  std::size_t size_ = 0;
  detail::ByteKind kind_ = detail::ByteKind::byte;
};

/// A non-owning, read-only view of bytes, made implicitly from std::span<const std::byte>,
/// std::span<const uint8_t>, std::array or std::vector of either, and from std::string_view (text
/// protocols checksum characters). Like std::span it does not own; unlike it, indexing is checked.
///
///     const std::array<std::uint8_t, 4> frame{0x79, 0xcc, 0xa6, 0xbb};
///     pinfiber::ByteView view = frame;
///     std::uint8_t first = view[0];
class ByteView {
 public:
  /// An empty view.
  constexpr ByteView() noexcept = default;

  /// Views the elements of r; r must outlive the view.
  template <detail::byte_range R>
  constexpr ByteView(R&& r) noexcept  // NOLINT(google-explicit-constructor): a view, like span
      : size_(std::ranges::size(r)) {
    const auto* p = std::ranges::data(r);
    if constexpr (std::is_same_v<std::remove_cv_t<std::remove_pointer_t<decltype(p)>>, std::byte>) {
      ptr_.b = p;
      kind_ = detail::ByteKind::byte;
    } else {
      ptr_.u = p;
      kind_ = detail::ByteKind::uchar;
    }
  }

  /// Views the characters of text as bytes (no terminating NUL).
  constexpr ByteView(std::string_view text) noexcept  // NOLINT(google-explicit-constructor)
      : size_(text.size()), kind_(detail::ByteKind::chr) {
    ptr_.c = text.data();
  }

  /// The number of bytes viewed.
  constexpr std::size_t size() const noexcept { return size_; }
  /// Whether the view is empty.
  constexpr bool empty() const noexcept { return size_ == 0; }

  /// The byte at index i; throws BytesRangeError when i >= size().
  constexpr std::uint8_t operator[](std::size_t i) const {
    if (i >= size_) detail::throw_index_past_end(i, size_);
    switch (kind_) {
      case detail::ByteKind::byte: return std::to_integer<std::uint8_t>(ptr_.b[i]);
      case detail::ByteKind::uchar: return ptr_.u[i];
      case detail::ByteKind::chr: break;
    }
    return static_cast<std::uint8_t>(ptr_.c[i]);
  }

  /// The count bytes from offset; throws BytesRangeError when they are not all inside the view.
  constexpr ByteView subview(std::size_t offset, std::size_t count) const {
    if (offset > size_ || count > size_ - offset) detail::throw_subview_past_end(offset, count, size_);
    ByteView v = *this;
    v.size_ = count;
    switch (kind_) {
      case detail::ByteKind::byte: v.ptr_.b = ptr_.b + offset; break;
      case detail::ByteKind::uchar: v.ptr_.u = ptr_.u + offset; break;
      case detail::ByteKind::chr: v.ptr_.c = ptr_.c + offset; break;
    }
    return v;
  }

  /// Whether both views hold the same bytes (contents, not identity).
  friend constexpr bool operator==(const ByteView& a, const ByteView& b) noexcept {
    if (a.size_ != b.size_) return false;
    for (std::size_t i = 0; i < a.size_; ++i) {
      if (a.get_(i) != b.get_(i)) return false;
    }
    return true;
  }

 private:
  friend class MutableByteView;

  // Unchecked; for loops already bounded by size_.
  constexpr std::uint8_t get_(std::size_t i) const noexcept {
    switch (kind_) {
      case detail::ByteKind::byte: return std::to_integer<std::uint8_t>(ptr_.b[i]);
      case detail::ByteKind::uchar: return ptr_.u[i];
      case detail::ByteKind::chr: break;
    }
    return static_cast<std::uint8_t>(ptr_.c[i]);
  }

  union Pointer {
    const std::byte* b;
    const unsigned char* u;
    const char* c;
  };
  Pointer ptr_{.b = nullptr};
  std::size_t size_ = 0;
  detail::ByteKind kind_ = detail::ByteKind::byte;
};

constexpr MutableByteView::operator ByteView() const noexcept {
  ByteView v;
  v.size_ = size_;
  v.kind_ = kind_;
  if (kind_ == detail::ByteKind::byte) {
    v.ptr_.b = ptr_.b;
  } else {
    v.ptr_.u = ptr_.u;
  }
  return v;
}

}  // namespace pinfiber
