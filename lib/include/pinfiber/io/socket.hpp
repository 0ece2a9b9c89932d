#pragma once
// Cooperative sockets: TCP, UDP and Unix, IPv4 and IPv6. Every call that would block parks the
// calling greenlet on the fd (through pinfiber::Fd's one retry loop) instead of blocking the hub.

#include <sys/socket.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/io/address.hpp"
#include "pinfiber/io/fd.hpp"

namespace pinfiber {

/// listen()'s default backlog: as many as the kernel allows (Linux caps it at net.core.somaxconn,
/// 4096 on Debian 12), so a burst of connections waits in the kernel instead of being refused.
inline constexpr int max_backlog = INT_MAX;

/// A non-blocking socket owned by value (closed by the destructor) whose blocking calls park only
/// the calling greenlet. Every blocking call takes a timeout, defaulting to the socket's own
/// (set_timeout; forever unless set). Failures throw pinfiber::Error with the errno and a message
/// that says what was attempted on which address ("connect to 127.0.0.1:9: Connection refused");
/// running past a timeout throws TimeoutError. One greenlet may read and one may write at a time
/// (FdBusy).
///
///   auto s = pinfiber::Socket::tcp();
///   s.connect(pinfiber::Address::parse("127.0.0.1", 8080), 2s);
///   s.send_all("hello\n");  char buf[64]; std::size_t n = s.recv(buf, sizeof buf, 1.5);
class Socket {
 public:
  /// No socket (fd() == -1).
  Socket() = default;
  /// A new socket (socket(2) with SOCK_NONBLOCK | SOCK_CLOEXEC). Throws Error.
  Socket(int family, int type, int protocol = 0);
  /// Takes ownership of `fd` and makes it non-blocking. Throws Error.
  static Socket adopt(int fd);
  /// Shorthands: TCP, UDP, Unix stream.
  static Socket tcp(int family = AF_INET) { return Socket(family, SOCK_STREAM); }
  static Socket udp(int family = AF_INET) { return Socket(family, SOCK_DGRAM); }
  static Socket unix_stream() { return Socket(AF_UNIX, SOCK_STREAM); }

  /// Resolves `host` (numeric, /etc/hosts, then DNS through pinfiber::resolver()) and connects to
  /// the addresses found in turn until one accepts (gevent's create_connection). `timeout` covers
  /// each attempt. Throws ResolveError, or the last attempt's error.
  static Socket create_connection(std::string_view host, std::uint16_t port, TimeSpan timeout = forever);

  Socket(Socket&& other) noexcept = default;
  Socket& operator=(Socket&& other) noexcept = default;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  /// Closes the socket (see close()).
  ~Socket() = default;

  int fd() const { return fd_.get(); }
  explicit operator bool() const { return static_cast<bool>(fd_); }
  /// Gives up ownership of the fd and returns it.
  int release() { return fd_.release(); }
  /// Closes the socket; a greenlet still blocked on it wakes with Error(EBADF). Idempotent.
  void close() { fd_.close(); }

  /// The default timeout of every blocking call on this socket (default: forever); like gevent's
  /// settimeout. Calls that move a whole buffer (send_all, recv_exact) apply it to the whole call.
  void set_timeout(TimeSpan timeout) { fd_.set_timeout(timeout); }
  Duration timeout() const { return fd_.timeout(); }

  /// Connects to `to`, blocking until the handshake completes, fails, or `timeout` passes. Throws
  /// Error ("connect to 127.0.0.1:9: Connection refused"), TimeoutError.
  void connect(const Address& to, TimeSpan timeout = object_timeout);
  /// Resolves `host` for this socket's family and connects to its addresses in turn, as
  /// create_connection() does. Throws ResolveError, or the last attempt's error.
  void connect(std::string_view host, std::uint16_t port, TimeSpan timeout = object_timeout);
  /// bind(2). Throws Error ("bind to 127.0.0.1:80: Permission denied").
  void bind(const Address& local);
  /// listen(2) with room for `backlog` pending connections. Throws Error.
  void listen(int backlog = max_backlog);
  /// Waits for a connection and returns it (non-blocking, close-on-exec); stores the peer's
  /// address in `peer` if given. Blocks until one arrives or `timeout` passes. Throws Error
  /// (EMFILE when out of fds: the pending connection stays queued), TimeoutError.
  Socket accept(Address* peer = nullptr, TimeSpan timeout = object_timeout);

  /// Receives up to `n` bytes; returns how many, 0 at end of stream (peer shut down or closed).
  /// Blocks until at least one byte or EOF arrives, or `timeout` passes. Throws Error
  /// (ECONNRESET: "recv from 127.0.0.1:5000: Connection reset by peer"), TimeoutError.
  std::size_t recv(void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  /// Receives exactly `n` bytes. Throws Error if the stream ends first ("recv_exact from ...: end of
  /// file after 3 of 8 bytes"), TimeoutError (transferred() bytes are in `buf`), and whatever recv()
  /// throws.
  void recv_exact(void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  /// Sends what the kernel takes now (at least one byte, waiting for room if there is none);
  /// returns how many. Throws Error (EPIPE, ECONNRESET), TimeoutError.
  std::size_t send(const void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  /// Sends all `n` bytes, waiting for room as often as needed. Throws like send(); on failure some
  /// bytes may have been sent.
  void send_all(const void* buf, std::size_t n, TimeSpan timeout = object_timeout);
  void send_all(std::string_view data, TimeSpan timeout = object_timeout) {
    send_all(data.data(), data.size(), timeout);
  }

  /// One datagram to `to`; returns the bytes sent. Blocks only while the send buffer is full.
  std::size_t sendto(const void* buf, std::size_t n, const Address& to, TimeSpan timeout = object_timeout);
  /// One datagram (truncated to `n`); returns its length and stores the sender in `from`.
  /// Blocks until one arrives or `timeout` passes.
  std::size_t recvfrom(void* buf, std::size_t n, Address* from = nullptr, TimeSpan timeout = object_timeout);

  /// shutdown(2): SHUT_RD, SHUT_WR (half-close: the peer reads EOF, we can still read) or SHUT_RDWR.
  void shutdown(int how);

  /// setsockopt/getsockopt for int-valued options. Throw Error.
  void set_option(int level, int name, int value);
  int option(int level, int name) const;
  void set_reuse_address(bool on = true) { set_option(SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0); }
  /// TCP_NODELAY: send small writes at once (request/response protocols).
  void set_nodelay(bool on = true);

  /// getsockname / getpeername. Throw Error.
  Address local_address() const;
  Address peer_address() const;

  /// The fd object underneath (for protocol code that needs the retry loop itself).
  Fd& fd_object() { return fd_; }

 private:
  explicit Socket(Fd fd) : fd_(std::move(fd)) {}
  void remember_peer(const Address& peer);

  Fd fd_;
  bool drained_ = false;  // the last recv emptied the kernel's buffer
};

}  // namespace pinfiber
