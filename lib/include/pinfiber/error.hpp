#pragma once
// The root of every error pinfiber reports. It has no dependency at all (the bytes layer, which stands
// alone and is header-only, includes it too), so `catch (const pinfiber::Error&)` catches a failure of
// any layer: a refused connection, a busy GPIO line, a malformed frame, an empty queue.
//
//   try { sock.connect(addr, 2s); }
//   catch (const pinfiber::TimeoutError& e) { ... }         // any operation that ran past its timeout
//   catch (const pinfiber::Error& e) { log(e.what()); }      // anything else that failed
//
// Error is a std::system_error: an OS failure keeps its errno in code() (compare it with std::errc),
// a failure that is not the OS's has a zero code(). what() says what was attempted on what, then why:
// "connect to 127.0.0.1:9: Connection refused", "Queue.get: the queue is empty".
//
// Kills (GreenletExit) and deadlines (Timeout) are not errors: see pinfiber/core/errors.hpp.

#include <cstddef>
#include <string>
#include <system_error>
#include <utility>

namespace pinfiber {

/// Base of everything a user can catch for "it failed".
class Error : public std::system_error {
 public:
  /// A failure that is not an OS error: what() is `what`, code() is zero.
  explicit Error(const std::string& what) : std::system_error(std::error_code(), what), message_(what) {}
  /// An OS failure: what() is "`action`: <the errno's text>", plus " (`detail`)" if given.
  Error(std::error_code code, const std::string& action, const std::string& detail = {})
      : std::system_error(code, action), message_(action + ": " + code.message()) {
    if (!detail.empty()) message_ += " (" + detail + ")";
  }
  /// The same, from an errno value.
  Error(int err, const std::string& action, const std::string& detail = {})
      : Error(std::error_code(err, std::generic_category()), action, detail) {}

  /// An error with an errno whose what() is exactly `message`, for a cause the errno's text would
  /// only blur ("configure /dev/ttyS0: unsupported baud rate 12345 (use one of 50, 75, ...)").
  static Error exactly(int err, std::string message) {
    return Error(Verbatim{}, std::error_code(err, std::generic_category()), std::move(message));
  }

  const char* what() const noexcept override { return message_.c_str(); }

 protected:
  struct Verbatim {};
  /// what() is exactly `message`, code() is `code`.
  Error(Verbatim, std::error_code code, std::string message)
      : std::system_error(code, message), message_(std::move(message)) {}

 private:
  std::string message_;
};

/// An operation ran past its own timeout: a recv, a connect, a DNS lookup, a serial read, a queue
/// get, a greenlet join. code() is ETIMEDOUT. (A `pinfiber::Timeout` block that expires throws the
/// Timeout itself, which is not an Error; see core/timeout.hpp.)
class TimeoutError : public Error {
 public:
  /// what(): "`action`: timed out" plus " `detail`" if given, e.g. "recv from 10.0.0.5:80: timed out
  /// after 2.000 s".
  explicit TimeoutError(const std::string& action, const std::string& detail = {}, std::size_t transferred = 0)
      : Error(Verbatim{}, std::make_error_code(std::errc::timed_out),
              action + ": timed out" + (detail.empty() ? "" : " " + detail)),
        transferred_(transferred) {}
  /// For calls that move a whole buffer (read_exact, write_all, send_all): the bytes moved before the
  /// timeout. read_exact leaves them at the start of the buffer, so nothing received is lost.
  std::size_t transferred() const noexcept { return transferred_; }

 private:
  std::size_t transferred_;
};

}  // namespace pinfiber
