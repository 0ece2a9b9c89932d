#include "pinfiber/io/stream_server.hpp"

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>

#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/logging.hpp"
#include "pinfiber/core/sleep.hpp"
#include "pinfiber/io/listen_fds.hpp"

namespace pinfiber {

StreamServer::StreamServer(const Address& address, ConnectionHandler handler, StreamServerOptions options)
    : address_(address), handler_(std::move(handler)), options_(options) {}

StreamServer::StreamServer(Socket listener, ConnectionHandler handler, StreamServerOptions options)
    : listener_(std::move(listener)), handler_(std::move(handler)), options_(options) {}

StreamServer::~StreamServer() {
  try {
    stop(Duration::zero());
  } catch (...) {
    // Destroyed while the hub itself is going away (LoopExit, an interrupt): nothing left to wait for.
  }
}

void StreamServer::start() {
  if (acceptor_) throw Error("start the server on " + address_.to_string() + ": already started");
  if (!listener_) {
    if (auto passed = take_listen_socket(address_)) {
      // Socket activation: the supervisor bound the port (perhaps a privileged one) before we ran.
      listener_ = std::move(*passed);
      detail::report(logging::Level::info,
                     "StreamServer for {requested}: listening socket {address} passed by the supervisor",
                     {{"requested", address_}, {"address", listener_.local_address()}});
    } else {
      listener_ = Socket(address_.family(), SOCK_STREAM);
      if (address_.family() != AF_UNIX) listener_.set_reuse_address();
      listener_.bind(address_);
    }
  }
  if (listener_.option(SOL_SOCKET, SO_ACCEPTCONN) == 0) listener_.listen(options_.backlog);
  address_ = listener_.local_address();
  stopping_ = false;
  acceptor_ = spawn_with({.name = "StreamServer " + address_.to_string()}, [this] { accept_loop(); });
}

void StreamServer::serve_forever() {
  if (!acceptor_) start();
  const Greenlet<void> acceptor = acceptor_;  // stop() resets the member while we wait on it
  acceptor.join();
}

void StreamServer::accept_loop() {
  Duration backoff = backoff_first_;
  bool reported = false;
  for (;;) {
    // A full pool stops taking connections off the backlog rather than accepting and waiting.
    if (options_.pool) options_.pool->wait_available();
    Socket connection;
    Address peer;
    try {
      connection = listener_.accept(&peer);
    } catch (const Error& e) {
      if (stopping_) return;
      ++accept_errors_;
      // Out of fds (story 7): the connections already accepted keep being served, and closing one
      // frees what the next accept needs, so wait on the hub and retry; spinning would starve them.
      // Other errors get the same treatment: a server should outlive a transient failure.
      if (!reported) {
        detail::report(logging::Level::error, "StreamServer {address}: {error}; retrying with back-off",
                       {{"address", address_}, {"error", e.what()}});
        reported = true;
      }
      sleep(backoff);
      backoff = std::min(backoff * 2, backoff_max_);
      continue;
    }
    backoff = backoff_first_;
    reported = false;
    try {
      configure(connection);
    } catch (const Error& e) {
      // Only this connection is lost (it closes here); the server goes on.
      std::fprintf(stderr, "pinfiber: StreamServer %s: %s; connection closed\n", address_.to_string().c_str(),
                   e.what());
      continue;
    }
    auto body = [this, c = std::move(connection), peer]() mutable { handler_(c, peer); };
    if (options_.pool) {
      connections_.add(options_.pool->spawn(std::move(body)));
    } else {
      connections_.spawn(std::move(body));
    }
  }
}

void StreamServer::configure(Socket& connection) const {
  connection.set_timeout(options_.connection_timeout);
  if (options_.send_buffer > 0) connection.set_option(SOL_SOCKET, SO_SNDBUF, options_.send_buffer);
}

void StreamServer::stop(TimeSpan timeout) {
  if (!acceptor_) return;
  stopping_ = true;
  acceptor_.kill();
  listener_.close();
  if (!connections_.join(timeout)) connections_.kill();
  acceptor_ = {};
}

}  // namespace pinfiber
