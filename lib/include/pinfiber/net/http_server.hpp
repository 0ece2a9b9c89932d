#pragma once
// Server: an HTTP/1.1 server on a StreamServer - gevent's pywsgi for a daemon's status page, control
// endpoint and /metrics. One greenlet per connection runs the handlers of that connection's requests
// in turn, so a handler may block (a queue get, a sleep, an HTTP client call, a GPIO edge) without
// holding up any other connection.
//
//   pinfiber::http::Server server(pinfiber::Address::parse("0.0.0.0", 8080));
//   server.get("/led", [&](const http::Request&, http::ResponseWriter& res) { res.send(led.is_lit() ? "on" : "off");
//   }); server.post("/led/{state}", [&](const http::Request& req, http::ResponseWriter& res) { ... });
//   server.serve_forever();

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/io/address.hpp"
#include "pinfiber/io/socket.hpp"
#include "pinfiber/net/http_errors.hpp"
#include "pinfiber/net/http_request.hpp"
#include "pinfiber/net/http_response_writer.hpp"

namespace pinfiber::http {

/// A route's handler: runs in the connection's greenlet and may block. It answers through `res`;
/// returning without having sent anything sends the status set (200 by default) with an empty body.
/// Throwing StatusError answers with its status and what() as the body; any other std::exception
/// answers 500 (its what() goes to ServerOptions::on_error, not to the client). Interrupts (a kill, a
/// pinfiber::Timeout) end the connection.
using Handler = std::function<void(const Request& req, ResponseWriter& res)>;

/// Limits and timeouts. Each limit answers a bad or slow client with a 4xx (and closes its
/// connection); the server goes on serving the others.
struct ServerOptions {
  /// The request line and headers together (431 beyond; 8 KiB as most servers).
  std::size_t max_header_size = 8 * 1024;
  /// A request body (413 beyond, before it is read when Content-Length says so).
  std::size_t max_body_size = 1024 * 1024;
  /// From a request's first byte to its last header line (408 after): a client sending one byte a
  /// second (slowloris) is cut off here, whatever the gaps between its bytes.
  Duration header_timeout = std::chrono::seconds(10);
  /// From the end of the headers to the end of the body (408 after).
  Duration body_timeout = std::chrono::seconds(30);
  /// How long an idle keep-alive connection waits for its next request (closed after).
  Duration keep_alive_timeout = std::chrono::seconds(5);
  /// How long writing a response may wait for a client to take the bytes.
  Duration send_timeout = std::chrono::seconds(30);
  /// Connections served at once; beyond it the server stops accepting and the kernel queues the rest.
  std::size_t max_connections = 512;
  /// Told about handler failures (exceptions other than StatusError): "GET /x: <what>". Default: a
  /// line on stderr.
  std::function<void(const std::string& message)> on_error;
};

/// An HTTP/1.1 server: keep-alive, pipelining, chunked request and response bodies, Expect:
/// 100-continue, HEAD for every GET route. Requests are parsed by Boost.Beast's HTTP parser. Bad input
/// gets a clean answer and a closed connection: malformed request 400, headers too large 431, body too
/// large 413, too slow 408.
class Server {
 public:
  /// A server that will listen on `address` once started.
  explicit Server(const Address& address, ServerOptions options = {});
  /// A server on a socket already bound (socket activation).
  explicit Server(Socket listener, ServerOptions options = {});
  /// Stops it as stop(0) does.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Adds a route: `method` ("GET", "POST", ...; "*" for any) and a path pattern - an exact path
  /// ("/status"), `{name}` segments ("/led/{state}", read with Request::param), or a trailing "*"
  /// for everything below ("/static/*"). Routes are tried in the order added. A path that matches
  /// no route gets 404; one that matches routes of other methods only gets 405 with Allow.
  void route(std::string method, std::string pattern, Handler handler);
  void get(std::string pattern, Handler handler) { route("GET", std::move(pattern), std::move(handler)); }
  void post(std::string pattern, Handler handler) { route("POST", std::move(pattern), std::move(handler)); }
  void put(std::string pattern, Handler handler) { route("PUT", std::move(pattern), std::move(handler)); }
  void del(std::string pattern, Handler handler) { route("DELETE", std::move(pattern), std::move(handler)); }

  /// Binds, listens and starts accepting; returns at once. Throws Error (bind failed...).
  void start();
  /// start(), then blocks until stop().
  void serve_forever();
  /// Stops accepting, closes idle keep-alive connections, waits up to `timeout` for requests in
  /// progress to finish, then kills their greenlets. Blocks the caller for that long at most.
  void stop(TimeSpan timeout = forever);

  /// Where it listens (the port chosen for port 0). Valid once started.
  const Address& address() const;
  /// Connections open now.
  std::size_t connection_count() const;
  /// Requests answered so far (any status).
  std::uint64_t requests_served() const;

  struct State;

 private:
  std::unique_ptr<State> s_;
};

}  // namespace pinfiber::http
