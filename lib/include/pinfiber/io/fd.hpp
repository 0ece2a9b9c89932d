#pragma once
// Fd: an owned, non-blocking file descriptor whose blocking calls park only the calling greenlet -
// the one fd object under Socket, SerialPort, subprocess pipes and every protocol client, with the
// one retry loop (EINTR: again; EAGAIN: wait for the fd, then again; the deadline: TimeoutError).
//
//   pinfiber::Fd in(::open("/dev/ttyUSB0", O_RDWR | O_NOCTTY), "/dev/ttyUSB0");
//   in.set_timeout(2s);                        // every call's default; each call may pass its own
//   char buf[32]; std::size_t n = in.read(buf, sizeof buf);   // TimeoutError after 2 s of silence

#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/error.hpp"
#include "pinfiber/io/wait.hpp"

namespace pinfiber {

/// An owned file descriptor (closed by the destructor), made non-blocking, with a default timeout
/// for its blocking calls. One greenlet may read and one may write at a time (FdBusy otherwise).
/// Errors name what was attempted on what: "read from /dev/ttyUSB0: Input/output error".
class Fd {
 public:
  /// No fd (get() == -1).
  Fd() = default;
  /// Takes ownership of `fd` and makes it non-blocking; `name` says what it is in error messages
  /// ("/dev/ttyS0", "127.0.0.1:80"; default "fd N"). Throws Error if fd is negative or fcntl fails
  /// (the fd is then closed).
  explicit Fd(int fd, std::string name = {});
  Fd(Fd&& other) noexcept;
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  /// Closes it (see close()).
  ~Fd();

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  /// Gives up ownership and returns the fd (its waits are cancelled first).
  int release();
  /// Closes it; a greenlet still blocked on it wakes with Error(EBADF). Idempotent; never throws
  /// (close(2) failing leaves nothing to retry).
  void close();

  /// What it is called in error messages.
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  /// The timeout of every blocking call on this fd that does not pass its own (default: forever);
  /// like gevent's settimeout. Calls that move a whole buffer apply it to the whole call.
  void set_timeout(TimeSpan timeout) { timeout_ = timeout; }
  Duration timeout() const { return timeout_; }

  /// Blocks until readable, up to `timeout` (the fd's own by default); false on timeout.
  /// Throws as pinfiber::wait_readable.
  bool wait_readable(TimeSpan timeout = object_timeout);
  bool wait_writable(TimeSpan timeout = object_timeout);

  /// read(2): blocks until at least one byte or EOF; returns how many (0 at EOF). Throws Error (the
  /// errno, "read from <name>"), TimeoutError.
  std::size_t read(void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  /// Reads exactly `n` bytes (the timeout covers them all). Throws Error if EOF comes first ("read
  /// from <name>: end of file after 3 of 8 bytes"), TimeoutError whose transferred() bytes are at the
  /// start of `buf`, and as read().
  void read_exact(void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  /// write(2): blocks until the fd takes at least one byte; returns how many. Throws Error, TimeoutError.
  std::size_t write(const void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  /// Writes all `n` bytes, waiting for room as often as needed (the timeout covers them all). On
  /// failure some bytes may have been written (TimeoutError::transferred() says how many).
  void write_all(const void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  void write_all(std::string_view data, TimeSpan timeout = object_timeout) {
    write_all(data.data(), data.size(), timeout);
  }

  /// The retry loop every blocking call on the fd goes through. Calls `op()` - one non-blocking system
  /// call on get(), returning >= 0 or -1 with errno set - until it succeeds: EINTR tries again at
  /// once; EAGAIN waits for `events` (detail::fd_readable / fd_writable) and tries again; any other
  /// errno throws Error("<action> <name>: <strerror>"); the deadline throws TimeoutError. With
  /// `wait_first`, it waits before the first try (when the caller knows the fd is drained). Each try
  /// counts against the greenlet's cooperative budget, so a peer that keeps the fd always ready
  /// cannot starve the hub. Returns what op() returned.
  /// When a call gives up: the deadline, and the timeout it came from (for the message).
  struct Deadline {
    TimePoint at;
    Duration timeout;
  };

  template <class Op>
  auto retry(int events, const char* action, Deadline deadline, Op&& op, bool wait_first = false) {
    if (wait_first) await(events, action, deadline);
    for (;;) {
      detail::cooperate();  // before the call, so an interrupt here loses no data already read
      auto r = op();
      if (r >= 0) return r;
      const int err = errno;
      if (err == EINTR) continue;
      if (err != EAGAIN && err != EWOULDBLOCK) fail(action, err);
      await(events, action, deadline);
    }
  }

  /// The deadline of a call given `timeout` (object_timeout: the fd's own).
  Deadline deadline(TimeSpan timeout) const {
    const Duration t = timeout.duration() == object_timeout ? timeout_ : timeout.duration();
    return {deadline_in(t), t};
  }
  /// Throws Error(err, "<action> <name>").
  [[noreturn]] void fail(const char* action, int err) const;
  /// Throws TimeoutError("<action> <name>", "timeout <s>"), with `transferred` bytes moved.
  [[noreturn]] void timed_out(const char* action, Duration timeout, std::size_t transferred = 0) const;
  /// Waits for `events` until the deadline; throws TimeoutError when it passes.
  void await(int events, const char* action, Deadline deadline);

  /// The whole-buffer form of retry(): calls `op(done)` (moving bytes from offset `done` on, one system
  /// call) until `n` bytes moved. A 0 from op() is end of file: Error("<action> <name>: end of file
  /// after D of N bytes"); a timeout after some bytes moved throws TimeoutError with transferred().
  template <class Op>
  void move_all(int events, const char* action, std::size_t n, Deadline deadline, Op&& op) {
    std::size_t done = 0;
    while (done < n) {
      decltype(op(done)) got;
      try {
        got = retry(events, action, deadline, [&] { return op(done); });
      } catch (const TimeoutError&) {
        if (done == 0) throw;
        timed_out(action, deadline.timeout, done);
      }
      if (got == 0) end_of_file(action, done, n);
      done += static_cast<std::size_t>(got);
    }
  }

 private:
  void require_open(const char* action) const;
  [[noreturn]] void end_of_file(const char* action, std::size_t done, std::size_t n) const;

  int fd_ = -1;
  Duration timeout_ = forever;
  std::string name_;
};

}  // namespace pinfiber
