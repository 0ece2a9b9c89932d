#pragma once
// Cooperative sockets: TCP, UDP and Unix, IPv4 and IPv6. Every call that would block parks the
// calling greenlet on the fd (pinfiber::wait_readable/wait_writable) instead of blocking the hub.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/io/address.hpp"

namespace pinfiber {

/// Thrown when a socket operation runs past its timeout: a std::system_error with ETIMEDOUT, as
/// gevent's socket.timeout is an OSError, so `catch (const std::exception&)` around a request
/// handles it like any failed request. what(): "connect to 127.0.0.1:80: Connection timed out".
class SocketTimeout : public std::system_error {
 public:
  explicit SocketTimeout(const std::string& what) : std::system_error(ETIMEDOUT, std::generic_category(), what) {}
};

/// Marks "use the socket's own timeout" in calls that also take an explicit one.
inline constexpr Duration socket_default_timeout = Duration::min();

/// A non-blocking socket owned by value (closed by the destructor) whose blocking calls park only
/// the calling greenlet. OS errors are std::system_error with the errno and a message that says
/// what was attempted on which address ("connect to 127.0.0.1:9: Connection refused"); running
/// past the timeout throws SocketTimeout. One greenlet may read and one may write at a time (FdBusy).
///
///   auto s = pinfiber::Socket::tcp();
///   s.connect(pinfiber::Address::parse("127.0.0.1", 8080), 2s);
///   s.send_all("hello\n");  char buf[64]; std::size_t n = s.recv(buf, sizeof buf);
class Socket {
 public:
  /// No socket (fd() == -1).
  Socket() = default;
  /// A new socket (socket(2) with SOCK_NONBLOCK | SOCK_CLOEXEC). Throws std::system_error.
  Socket(int family, int type, int protocol = 0);
  /// Takes ownership of `fd` and makes it non-blocking.
  static Socket adopt(int fd);
  /// Shorthands: TCP, UDP, Unix stream.
  static Socket tcp(int family = AF_INET) { return Socket(family, SOCK_STREAM); }
  static Socket udp(int family = AF_INET) { return Socket(family, SOCK_DGRAM); }
  static Socket unix_stream() { return Socket(AF_UNIX, SOCK_STREAM); }

  /// Resolves `host` (numeric, /etc/hosts, then DNS through pinfiber::resolver()) and connects to
  /// the addresses found in turn until one accepts (gevent's create_connection). `timeout` covers
  /// each attempt. Throws ResolveError, or the last attempt's error.
  static Socket create_connection(std::string_view host, std::uint16_t port, Duration timeout = forever);

  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  /// Closes the socket (see close()).
  ~Socket();

  int fd() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  /// Gives up ownership of the fd and returns it.
  int release();
  /// Closes the socket; a greenlet still blocked on it wakes with std::system_error(EBADF). Idempotent.
  void close();

  /// The timeout of every blocking call on this socket that does not take its own (default:
  /// forever); like gevent's settimeout. Calls that move a whole buffer (send_all, recv_exact)
  /// apply it to the whole call.
  void set_timeout(Duration timeout) { timeout_ = timeout; }
  Duration timeout() const { return timeout_; }

  /// Connects to `to`, blocking until the handshake completes, fails, or `timeout` passes (the
  /// socket's own by default). Throws std::system_error ("connect to 127.0.0.1:9: Connection
  /// refused"), SocketTimeout.
  void connect(const Address& to, Duration timeout = socket_default_timeout);
  /// Resolves `host` for this socket's family and connects to its addresses in turn, as
  /// create_connection() does. Throws ResolveError, or the last attempt's error.
  void connect(std::string_view host, std::uint16_t port, Duration timeout = socket_default_timeout);
  /// bind(2). Throws std::system_error ("bind to 127.0.0.1:80: Permission denied").
  void bind(const Address& local);
  /// listen(2). Throws std::system_error.
  void listen(int backlog = 128);
  /// Waits for a connection and returns it (non-blocking, close-on-exec); stores the peer's
  /// address in `peer` if given. Blocks until one arrives or the socket's timeout passes.
  /// Throws std::system_error (EMFILE when out of fds: the pending connection stays queued),
  /// SocketTimeout.
  Socket accept(Address* peer = nullptr);

  /// Receives up to `n` bytes; returns how many, 0 at end of stream (peer shut down or closed).
  /// Blocks until at least one byte or EOF arrives, or the timeout passes. Throws
  /// std::system_error (ECONNRESET: "recv from 127.0.0.1:5000: Connection reset by peer"), SocketTimeout.
  std::size_t recv(void* buf, std::size_t n);
  /// Receives exactly `n` bytes. Throws Error if the stream ends first ("recv_exact from ...:
  /// connection closed after 3 of 8 bytes"), and whatever recv() throws.
  void recv_exact(void* buf, std::size_t n);
  /// Sends what the kernel takes now (at least one byte, waiting for room if there is none);
  /// returns how many. Throws std::system_error (EPIPE, ECONNRESET), SocketTimeout.
  std::size_t send(const void* buf, std::size_t n);
  /// Sends all `n` bytes, waiting for room as often as needed. Throws like send(); on failure some
  /// bytes may have been sent.
  void send_all(const void* buf, std::size_t n);
  void send_all(std::string_view data) { send_all(data.data(), data.size()); }

  /// One datagram to `to`; returns the bytes sent. Blocks only while the send buffer is full.
  std::size_t sendto(const void* buf, std::size_t n, const Address& to);
  /// One datagram (truncated to `n`); returns its length and stores the sender in `from`.
  /// Blocks until one arrives or the timeout passes.
  std::size_t recvfrom(void* buf, std::size_t n, Address* from = nullptr);

  /// shutdown(2): SHUT_RD, SHUT_WR (half-close: the peer reads EOF, we can still read) or SHUT_RDWR.
  void shutdown(int how);

  /// setsockopt/getsockopt for int-valued options. Throw std::system_error.
  void set_option(int level, int name, int value);
  int option(int level, int name) const;
  void set_reuse_address(bool on = true) { set_option(SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0); }
  /// TCP_NODELAY: send small writes at once (request/response protocols).
  void set_nodelay(bool on = true);

  /// getsockname / getpeername. Throw std::system_error.
  Address local_address() const;
  Address peer_address() const;

 private:
  struct AdoptTag {};
  Socket(AdoptTag, int fd) : fd_(fd) {}
  TimePoint deadline(Duration explicit_timeout) const;
  std::string peer_text() const;
  [[noreturn]] void fail(const char* action, const std::string& where, int err) const;
  [[noreturn]] void timed_out(const char* action, const std::string& where) const;
  bool wait(int events, TimePoint deadline);

  int fd_ = -1;
  Duration timeout_ = forever;
  bool drained_ = false;  // the last recv emptied the kernel's buffer
  Address peer_;          // remembered for error messages
};

}  // namespace pinfiber
