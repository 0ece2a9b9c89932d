#pragma once
// ResponseWriter: how a server handler answers - all at once (send), or streamed as it is produced
// (begin, write, end: chunked on HTTP/1.1), or as Server-Sent Events (event_stream).
//
//   server.get("/status", [&](const http::Request&, http::ResponseWriter& res) {
//     res.send("presses=3\n");                                    // 200, text/plain, Content-Length
//   });

#include <cstddef>
#include <string>
#include <string_view>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/net/http_headers.hpp"

namespace pinfiber {
class Socket;
}

namespace pinfiber::http {

class EventStream;

/// Writes one response on the connection. Blocking calls block on the socket taking the bytes (a client
/// that reads too slowly), for at most `timeout` (default: ServerOptions::send_timeout); they throw
/// pinfiber::Error when the client went away (ECONNRESET, EPIPE) or TimeoutError, and the connection
/// is then closed once the handler returns.
class ResponseWriter {
 public:
  /// The status for what is sent next (default 200). Before anything was sent.
  void status(int code) { status_ = code; }
  int status() const { return status_; }
  /// Adds a response header (before anything was sent). Content-Length, Transfer-Encoding and
  /// Connection are the server's to set.
  void header(std::string name, std::string value) { headers_.add(std::move(name), std::move(value)); }
  Headers& headers() { return headers_; }

  /// Sends the whole response: the status set (or `status`), the headers and `body` with its length.
  void send(std::string_view body, std::string_view content_type = "text/plain; charset=utf-8");
  void send(int code, std::string_view body, std::string_view content_type = "text/plain; charset=utf-8") {
    status(code);
    send(body, content_type);
  }

  /// Starts a streamed response: sends the status and headers now, the body follows with write()
  /// (chunked on HTTP/1.1; on HTTP/1.0 the connection's end marks the body's).
  void begin(std::string_view content_type);
  /// Sends one piece of a streamed body (nothing for an empty piece). Throws Error, TimeoutError.
  void write(std::string_view data, TimeSpan timeout = object_timeout);
  /// Ends a streamed body. (The server ends it if the handler returns without.)
  void end();

  /// Starts a Server-Sent Events stream (text/event-stream, no caching).
  EventStream event_stream();

  /// Whether the status line went out (then the status and headers can no longer change).
  bool started() const { return started_; }
  /// Whether the response is complete.
  bool finished() const { return finished_; }
  /// Closes the connection after this response instead of keeping it alive.
  void close_connection() { keep_alive_ = false; }
  /// Bytes of body sent so far.
  std::size_t body_bytes() const { return body_bytes_; }

  /// The server makes one per request; `stopping` turns keep-alive off once the server stops.
  ResponseWriter(Socket& socket, int version, bool keep_alive, bool head, Duration send_timeout,
                 const std::string* date, const bool* stopping = nullptr);
  bool keep_alive() const { return keep_alive_; }
  bool broken() const { return broken_; }

 private:
  void send_bytes(std::string_view a, std::string_view b, TimeSpan timeout);
  std::string head(std::string_view content_type, long long length);

  Socket& socket_;
  int version_;
  bool keep_alive_;
  bool head_only_;
  Duration send_timeout_;
  const std::string* date_;
  const bool* stopping_;
  int status_ = 200;
  Headers headers_;
  bool started_ = false;
  bool finished_ = false;
  bool chunked_ = false;
  bool broken_ = false;
  std::size_t body_bytes_ = 0;
};

/// Server-Sent Events on a streamed response (the browser's EventSource): each send() is one event,
/// written to the client at once. A client that went away shows as an Error from send() or
/// comment() - send a comment now and then (every 15 s, say) so a silent stream notices.
///
///   auto events = res.event_stream();
///   for (const std::string& state : updates) events.send(state, "led");   // event: led, data: ...
class EventStream {
 public:
  explicit EventStream(ResponseWriter& res) : res_(&res) {}
  /// One event: `data` (multi-line data becomes several data: lines), with an event type and id when
  /// given. Blocks as ResponseWriter::write.
  void send(std::string_view data, std::string_view event = {}, std::string_view id = {});
  /// A comment line (": text"), which clients ignore: a keep-alive that also detects a dead client.
  void comment(std::string_view text = {});
  /// How long the browser waits before reconnecting after the stream ends.
  void retry(Duration after);

 private:
  ResponseWriter* res_;
};

}  // namespace pinfiber::http
