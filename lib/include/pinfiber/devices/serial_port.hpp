#pragma once
// A serial port (a UART, a USB serial adapter, a pty) read and written cooperatively: every call
// that would block parks the calling greenlet on the fd through the hub, as Socket does.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/io/fd.hpp"

namespace pinfiber {

/// Parity bit of each character.
enum class Parity : std::uint8_t { none, even, odd };

/// Hardware flow control. Software (XON/XOFF) is left off: it would eat 0x11/0x13 bytes of binary
/// protocols.
enum class FlowControl : std::uint8_t { none, rts_cts };

/// How a port is set up. The default is 9600 8N1, no flow control: what most sensors speak
/// (the PMS5003 included).
struct SerialSettings {
  int baud = 9600;    ///< one of the rates termios names (50 ... 4000000); others are refused
  int data_bits = 8;  ///< 5 to 8
  Parity parity = Parity::none;
  int stop_bits = 1;  ///< 1 or 2
  FlowControl flow_control = FlowControl::none;
};

/// An open serial device in raw mode, owned by value (the destructor closes it), on pinfiber::Fd. One
/// greenlet may read and another write at the same time; a second reader gets FdBusy. Every blocking
/// call takes a timeout, defaulting to the port's own (set_timeout; forever unless set). Failures are
/// pinfiber::Error with the errno and a message naming the operation and the device ("open
/// /dev/ttyS0: Permission denied (add the user to the dialout group)"); timeouts are TimeoutError.
///
///   pinfiber::SerialPort port("/dev/serial0", {.baud = 9600});
///   std::uint8_t buf[32]; port.read_exact(buf, sizeof buf, 2s);
///   port.write_all("\x42\x4d\xe1\x00\x00\x01\x70", 7);
class SerialPort {
 public:
  /// No port (is_open() false).
  SerialPort() = default;
  /// Opens `path` (non-blocking, close-on-exec, not as controlling terminal) and configures it. Never
  /// blocks. Throws Error: "open /dev/ttyS0: Permission denied (add the user to the dialout group)",
  /// ENOTTY for a path that is not a terminal, and whatever configure() throws.
  explicit SerialPort(std::string path, const SerialSettings& settings = {});
  SerialPort(SerialPort&& other) noexcept = default;
  SerialPort& operator=(SerialPort&& other) noexcept = default;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;
  /// Closes the port (see close()).
  ~SerialPort() = default;

  /// Sets raw mode (no echo, no line editing, no CR/LF translation, no signals from ^C) and
  /// `settings`. Never blocks. Throws Error: EINVAL "configure /dev/ttyS0: unsupported baud
  /// rate 12345 (use one of 50, 75, ...)" for a rate termios cannot name, or for bits out of range;
  /// EINVAL "... the driver did not accept even parity" when the driver kept other settings than
  /// asked (tcsetattr succeeds if any change took; a pty, for one, keeps 8 bits and no parity);
  /// the errno of tcgetattr/tcsetattr otherwise.
  void configure(const SerialSettings& settings);
  /// The settings last applied.
  const SerialSettings& settings() const noexcept { return settings_; }
  /// The path the port was opened with.
  const std::string& path() const noexcept { return path_; }
  /// The fd (-1 when closed), non-blocking.
  int fd() const noexcept { return fd_.get(); }
  bool is_open() const noexcept { return static_cast<bool>(fd_); }
  /// The default timeout of the blocking calls that are not given one (default: forever).
  void set_timeout(TimeSpan timeout) { fd_.set_timeout(timeout); }
  Duration timeout() const { return fd_.timeout(); }

  /// Reads what is available, up to `n` bytes, into `buf`; returns how many, at least 1, or 0 if the
  /// device hung up (a USB adapter unplugged, the other end of a pty closed) or `n` is 0. Blocks until a byte
  /// arrives, the device hangs up, or `timeout` passes. Throws TimeoutError, Error (EBADF when the
  /// port is closed, also by another greenlet while this one waits; EIO), FdBusy.
  std::size_t read(void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  /// Reads exactly `n` bytes into `buf`. Blocks until they have all arrived or `timeout` (for the
  /// whole call) passes. Throws TimeoutError (transferred() bytes are in `buf`), Error when the
  /// device hangs up first ("read_exact from /dev/pts/3: end of file after 10 of 32 bytes"), and what
  /// read() throws.
  void read_exact(void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  /// The same, returning the bytes.
  std::vector<std::uint8_t> read_exact(std::size_t n, TimeSpan timeout = object_timeout);

  /// Writes all `n` bytes of `buf`, waiting for room in the output queue as often as needed.
  /// Returns when the kernel has them all (not when they have left the wire: see drain()). Blocks
  /// while the output queue is full, up to `timeout` for the whole call. Throws TimeoutError
  /// (transferred() bytes were written), Error (EIO when the device hung up, EBADF), FdBusy.
  void write_all(const void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  void write_all(std::span<const std::uint8_t> bytes, TimeSpan timeout = object_timeout) {
    write_all(bytes.data(), bytes.size(), timeout);
  }
  void write_all(std::string_view text, TimeSpan timeout = object_timeout) {
    write_all(text.data(), text.size(), timeout);
  }

  /// Waits until everything written has been sent on the wire (tcdrain). tcdrain blocks the
  /// thread, so this first sleeps on the hub while the output queue empties, and calls tcdrain only
  /// for the last character in the UART. Blocks up to `timeout`. Throws TimeoutError, Error.
  void drain(TimeSpan timeout = object_timeout);
  /// Discards bytes received and not read yet (tcflush TCIFLUSH): stale frames after a pause, say.
  /// Never blocks. Throws Error.
  void flush_input();

  /// Closes the port: a greenlet blocked on it wakes with Error(EBADF). Idempotent. Never throws.
  void close() { fd_.close(); }

 private:
  [[noreturn]] void fail(const std::string& action, int err) const;
  void check_open(const char* action) const;

  Fd fd_;
  std::string path_;
  SerialSettings settings_;
};

}  // namespace pinfiber
