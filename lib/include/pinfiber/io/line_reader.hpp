#pragma once
// LineReader: splits a byte stream - a socket, a serial port, a pipe - into lines, with a bound on
// a line's length. A peer that sends an endless line without a delimiter gets LineTooLong once the
// bound is reached, instead of growing the reader's buffer until memory runs out; and each byte is
// scanned for the delimiter once, so a long line costs linear time, not quadratic.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber {

class Fd;
class Socket;

/// A line longer than LineReader's `max_line` arrived (code() is EMSGSIZE). what(): "read a line
/// from 127.0.0.1:40312: no delimiter in 65536 bytes (the line was dropped)".
class LineTooLong : public Error {
 public:
  explicit LineTooLong(const std::string& what);
};

/// How LineReader splits a stream.
struct LineReaderOptions {
  /// The longest line accepted, delimiter excluded. More bytes than this without a delimiter
  /// throw LineTooLong; the buffer never holds more than max_line + one read's worth.
  std::size_t max_line = 64 * 1024;
  char delimiter = '\n';
  /// Drop one '\r' before the delimiter (CRLF protocols, terminals).
  bool strip_cr = true;
};

/// Reads lines from a stream, one greenlet at a time. Every call blocks only the calling greenlet
/// (through the stream's own read), until a whole line, the end of the stream, or the timeout.
///
///   pinfiber::LineReader lines(connection, {.max_line = 4096});
///   while (auto line = lines.next()) handle(*line);   // std::nullopt at end of stream
///
/// The reader owns no fd: the stream must outlive it, and bytes it has read ahead stay in it
/// (buffered()).
class LineReader {
 public:
  using Options = LineReaderOptions;
  /// Reads up to `n` bytes into `buf`, blocking until at least one arrives; 0 at end of stream.
  /// Throws on errors and timeouts, which next() passes on.
  using ReadSome = std::function<std::size_t(void* buf, std::size_t n, TimeSpan timeout)>;

  /// Lines from a socket (Socket::recv); errors name the peer.
  explicit LineReader(Socket& socket);
  LineReader(Socket& socket, Options options);
  /// Lines from any fd (Fd::read: a pipe, a tty, a SerialPort's fd_object()); errors use its name.
  explicit LineReader(Fd& fd);
  LineReader(Fd& fd, Options options);
  /// Lines from anything that reads; `source` names it in errors ("stdout of sensor-helper").
  LineReader(ReadSome read_some, std::string source, Options options = {});

  /// The next line without its delimiter (and '\r', if strip_cr), or std::nullopt at the end of
  /// the stream. A last line the stream ends without a delimiter is returned as a line first.
  /// Blocks until a delimiter or the end arrives, or `timeout` passes: one deadline for the whole
  /// line; the default is the socket's or fd's own timeout (forever for a ReadSome source).
  /// Throws LineTooLong when max_line bytes came without a delimiter: those bytes are dropped and
  /// the next call skips the rest of that line, so a caller may answer and go on. Throws
  /// TimeoutError (the partial line stays buffered for the next call) and whatever the stream's
  /// read throws (Error: "recv from 127.0.0.1:40312: Connection reset by peer").
  std::optional<std::string> next(TimeSpan timeout = object_timeout);

  /// Bytes read from the stream but not yet returned as a line (the start of the next line, or
  /// data a protocol switches to after its line-based part).
  std::string_view buffered() const { return std::string_view(buffer_).substr(start_); }

 private:
  std::string describe() const;
  Duration default_timeout() const;
  [[noreturn]] void too_long() const;

  ReadSome read_some_;
  const Fd* fd_ = nullptr;  // the stream's fd, for its name and timeout (read when needed: both change)
  std::string source_;      // the name, when there is no fd
  Options options_;
  std::string buffer_;
  std::size_t start_ = 0;    // where the next line begins in buffer_
  std::size_t scanned_ = 0;  // buffer_[start_, scanned_) holds no delimiter
  bool skipping_ = false;    // dropping the rest of a line that was too long
  bool ended_ = false;       // the stream reported its end
};

}  // namespace pinfiber
