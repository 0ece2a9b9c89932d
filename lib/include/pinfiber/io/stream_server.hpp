#pragma once
// StreamServer: gevent's StreamServer - an accept loop that runs a handler in a greenlet per
// connection.

#include <cstdint>
#include <functional>
#include <utility>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/io/address.hpp"
#include "pinfiber/io/socket.hpp"
#include "pinfiber/sync/pool.hpp"

namespace pinfiber {

/// Runs in its own greenlet for each accepted connection; the socket is closed when it returns.
/// An exception escaping it goes to the hub's exception handler and ends that connection only.
using ConnectionHandler = std::function<void(Socket& connection, const Address& peer)>;

/// How a StreamServer listens and what its connections start with.
struct StreamServerOptions {
  /// Connection greenlets are spawned in this pool when given (it must outlive the server), else
  /// unbounded. A full pool stops accepting, so the kernel's backlog queues the rest.
  Pool* pool = nullptr;
  /// listen()'s backlog: connections the kernel completes and queues while the server is busy.
  /// The default is the most the kernel allows (net.core.somaxconn, 4096 on Debian 12), so a burst
  /// of connects waits instead of being dropped and retried by the clients' SYN back-off.
  int backlog = max_backlog;
  /// The timeout of every blocking call on an accepted connection (Socket::set_timeout): a peer that
  /// stops reading makes the handler's send_all throw TimeoutError after this long, and one that
  /// stops sending its recv, instead of holding the handler and its memory forever. Default forever.
  TimeSpan connection_timeout = forever;
  /// SO_SNDBUF of accepted connections in bytes (the kernel doubles it for its bookkeeping); 0
  /// keeps the kernel's default (net.ipv4.tcp_wmem, up to 4 MiB). With connection_timeout it bounds
  /// what one slow reader holds: this much in the kernel, then the handler's own queue.
  int send_buffer = 0;
};

/// A TCP (or Unix) server: one accept-loop greenlet, one greenlet per connection, optionally
/// bounded by a Pool (a full pool stops accepting, so the kernel's backlog queues the rest). What a
/// handler queues for a slow peer is the handler's to bound (see examples/chat.cpp); the server bounds
/// the rest with StreamServerOptions::connection_timeout and send_buffer.
/// When accept fails for lack of fds (EMFILE, ENFILE, ENOBUFS, ENOMEM) the loop sleeps on the hub,
/// 10 ms doubling to 1 s, and goes on serving the connections it has instead of spinning or dying
/// (the first failure of a run of them is logged as an error).
///
///   pinfiber::StreamServer server(pinfiber::Address::parse("127.0.0.1", 7000),
///                                 [](pinfiber::Socket& c, const pinfiber::Address&) { ... });
///   server.serve_forever();   // or start(), and later stop(5s)
class StreamServer {
 public:
  /// A server that will listen on `address` (SO_REUSEADDR) once started, as `options` say.
  StreamServer(const Address& address, ConnectionHandler handler, StreamServerOptions options = {});
  /// The same with only a pool: connection greenlets are spawned in `pool` (which must outlive the server).
  StreamServer(const Address& address, ConnectionHandler handler, Pool* pool)
      : StreamServer(address, std::move(handler), StreamServerOptions{.pool = pool}) {}
  /// A server on a socket already bound (listen(options.backlog) is called if it is not listening yet).
  StreamServer(Socket listener, ConnectionHandler handler, StreamServerOptions options = {});
  StreamServer(Socket listener, ConnectionHandler handler, Pool* pool)
      : StreamServer(std::move(listener), std::move(handler), StreamServerOptions{.pool = pool}) {}
  /// Stops the server as stop(0) does: handlers still running are killed.
  ~StreamServer();
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;

  /// Binds and listens if not done yet, and spawns the accept loop; returns at once. Under socket
  /// activation (pinfiber/io/listen_fds.hpp) a server made with an address takes the passed listening
  /// socket bound to the same port (or Unix path) instead of binding one itself. Throws
  /// Error if bind/listen fail ("bind to 127.0.0.1:80: Permission denied"), Error if
  /// already started.
  void start();
  /// start(), then blocks until stop() is called (from another greenlet or a signal handler).
  void serve_forever();
  /// Stops accepting and closes the listening socket, then waits up to `timeout` for the
  /// connection handlers to finish, then kills those left (GreenletExit: their destructors run)
  /// and waits for them. Blocks the caller for at most `timeout` plus the handlers' unwinding.
  void stop(TimeSpan timeout = forever);

  /// Where it listens (the port bind chose for a port of 0). Valid once started.
  const Address& address() const { return address_; }
  bool started() const { return static_cast<bool>(acceptor_); }
  /// Connection handlers running now.
  std::size_t connection_count() const { return connections_.size(); }
  /// Accept failures so far (each followed by a back-off sleep).
  std::uint64_t accept_errors() const { return accept_errors_; }
  /// The back-off after a failed accept: starts at `first`, doubles up to `max`, resets after a
  /// successful accept.
  void set_backoff(TimeSpan first, TimeSpan max) {
    backoff_first_ = first;
    backoff_max_ = max;
  }

 private:
  void accept_loop();
  void configure(Socket& connection) const;

  Socket listener_;
  Address address_;
  ConnectionHandler handler_;
  StreamServerOptions options_;
  Group connections_;
  Greenlet<void> acceptor_;
  bool stopping_ = false;
  std::uint64_t accept_errors_ = 0;
  Duration backoff_first_ = std::chrono::milliseconds(10);
  Duration backoff_max_ = std::chrono::seconds(1);
};

}  // namespace pinfiber
