#pragma once
// The exceptions of the bytes layer.
//
// The bytes layer stands alone (it must be usable without the hub), so its errors cannot derive from
// core's pinfiber::Error; they derive from std::runtime_error like it does, and a caller that wants
// one handler for both catches std::runtime_error.

#include <stdexcept>

namespace pinfiber {

/// Base of every error of the bytes layer; what() says what was attempted, on what
/// (`"to_bytes: width 9 is not in 1..8"`).
class BytesError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A read, write, skip or seek that would go past the end of the bytes
/// (`"read u32be at offset 6 of 8 bytes: past the end"`). Nothing was read or written and the
/// cursor did not move, so a parser may wait for more input and try again.
class BytesRangeError : public BytesError {
 public:
  using BytesError::BytesError;
};

/// A value that does not fit the width it is stored in (`"write u24be: value 16777216 does not fit
/// in 3 bytes"`), or bytes too wide for the integer asked for. Like Python's OverflowError from
/// int.to_bytes: a silently truncated field is a corrupt frame.
class BytesOverflowError : public BytesError {
 public:
  using BytesError::BytesError;
};

}  // namespace pinfiber
