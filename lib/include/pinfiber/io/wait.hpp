#pragma once
// Waiting for a file descriptor: the primitive under every fd object (pinfiber::Fd, Socket,
// SerialPort, subprocess pipes) and the GPIO edge wait. A greenlet parks until the hub's event loop
// reports the fd ready; other greenlets run meanwhile.
//
//   int fds[2]; ::pipe2(fds, O_NONBLOCK);
//   if (pinfiber::wait_readable(fds[0], 1s)) ::read(fds[0], buf, sizeof buf);   // false: 1 s passed
//   pinfiber::close(fds[0]);   // wakes any greenlet still waiting on fds[0] with EBADF, then closes

#include "pinfiber/core/clock.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber {

/// Thrown when a greenlet waits for an fd in a direction another greenlet already waits for (two
/// readers of one socket at once would steal each other's data; gevent raises the same). what()
/// names the fd and the greenlet already waiting; code() is EBUSY.
class FdBusy : public Error {
 public:
  using Error::Error;
};

/// Blocks the current greenlet until `fd` is readable (data, EOF, a pending accept, an error), or
/// `timeout` passes. Returns true when readable, false on timeout (unlike gevent's wait_read, which
/// raises, so a read loop can decide for itself; pinfiber::Fd turns false into TimeoutError).
/// Level-triggered: data left unread makes the next wait return at once. A zero timeout lets every
/// ready greenlet run once, then answers. `fd` should be non-blocking.
/// Throws FdBusy if another greenlet waits for `fd` to be readable; Error(EBADF) if another greenlet
/// closes the fd (pinfiber::close / cancel_wait) meanwhile; the greenlet's own interrupts (kill,
/// Timeout). While it waits, the hub counts as busy: main gets no LoopExit.
bool wait_readable(int fd, TimeSpan timeout = forever);

/// Like wait_readable(), for writability (room in the send buffer, a finished connect).
bool wait_writable(int fd, TimeSpan timeout = forever);

/// Wakes every greenlet waiting on `fd` (either direction); each throws Error(EBADF) saying the fd
/// was closed. Also drops the hub's cached registration of `fd`: call it before closing an fd you
/// waited on by any other means than pinfiber::close (a library's own close), so that a new fd
/// reusing the number is watched afresh. Returns how many greenlets it woke. Never blocks.
int cancel_wait(int fd);

/// cancel_wait(fd), then close(2) (gevent's hub.cancel_wait + os.close). A negative fd is ignored.
/// Throws Error if close fails with anything but EINTR (after which Linux has closed the fd anyway,
/// so it is not retried).
void close(int fd);

/// Marks `fd` as fed from outside the hub for the object's lifetime - the reading end of a pty a test
/// or a simulator plays a sensor on, of a socket pair it writes into: before a paused test clock jumps
/// while a greenlet waits on it, the hub asks the kernel whether the bytes written so far have arrived
/// (for a pty that poll also makes the kernel finish moving them, which it otherwise does in a work
/// item a loaded machine may run late). So a wait for data already written ends with the data,
/// exactly, however loaded the machine is, and a timeout still fires when nothing was written. A peer
/// in another thread or process that has not written yet is not waited for: use the real clock there.
/// Without a paused clock it changes nothing.
///
///   pinfiber::SerialPort port(pty_slave);
///   pinfiber::FedFromOutside fed(port.fd());     // the test writes frames into the pty's master
class FedFromOutside {
 public:
  explicit FedFromOutside(int fd);
  ~FedFromOutside();
  FedFromOutside(const FedFromOutside&) = delete;
  FedFromOutside& operator=(const FedFromOutside&) = delete;

 private:
  int fd_;
};

namespace detail {
/// The one implementation: waits until `fd` has `events` (fd_readable or fd_writable, from
/// core/detail/watch.hpp) or `deadline`; false at the deadline.
bool wait_fd(int fd, int events, TimePoint deadline);
/// Marks `fd` as fed from outside the hub (a test writing into the other end of a pty or a socket
/// pair): before a paused test clock jumps while a greenlet waits on it, the hub asks the kernel
/// whether the bytes already written have arrived (FdWatch::check_before_clock_jump). Used by
/// pinfiber::testing::FedFromOutside.
void set_fed_from_outside(int fd, bool on);
}  // namespace detail

}  // namespace pinfiber
