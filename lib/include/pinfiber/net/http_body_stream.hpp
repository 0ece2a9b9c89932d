#pragma once
// BodyStream: a response whose body a greenlet reads as it arrives, chunk by chunk, instead of all at
// once - a large download, a log that never ends, Server-Sent Events.
//
//   auto s = pinfiber::http::client().stream("GET", "http://pi.lan/events");
//   for (const std::string& chunk : s) std::fputs(chunk.c_str(), stdout);   // until the body ends

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/net/http_response.hpp"

namespace pinfiber::http {

namespace detail {
struct Transfer;
}

/// Returned by Client::stream() once the final response's headers arrived. At most
/// ClientOptions::stream_buffer bytes wait unread: beyond that the transfer pauses, so a slow reader
/// slows the server down through TCP instead of growing memory. Destroying it before the end aborts the
/// transfer (the connection is closed, not reused). Belongs to the greenlet's hub.
class BodyStream {
 public:
  BodyStream(BodyStream&&) noexcept;
  BodyStream& operator=(BodyStream&&) noexcept;
  ~BodyStream();

  /// Status, headers, URL (body empty).
  const Response& response() const { return response_; }
  int status() const { return response_.status; }

  /// The next piece of the body: blocks until some bytes arrive; "" once the body has ended. Throws
  /// HttpError (the connection broke mid-body), TimeoutError when `timeout` (default: the request's
  /// remaining time, else the client's timeout) passes with nothing new.
  std::string read(TimeSpan timeout = object_timeout);
  /// Reads to the end and returns the rest of the body (bounded by ClientOptions::max_body).
  std::string read_all(TimeSpan timeout = object_timeout);
  /// True once read() returned "" (the body ended).
  bool done() const;

  /// Input iteration: each step is a read(); ends at the end of the body.
  class iterator {
   public:
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(BodyStream* s) : s_(s) { ++*this; }
    const std::string& operator*() const { return chunk_; }
    iterator& operator++() {
      chunk_ = s_->read();
      if (chunk_.empty()) s_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const iterator& o) const { return s_ == o.s_; }

   private:
    BodyStream* s_ = nullptr;
    std::string chunk_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  friend class Client;
  BodyStream(std::unique_ptr<detail::Transfer> t, Response response, TimePoint deadline, Duration timeout);
  std::unique_ptr<detail::Transfer> t_;
  Response response_;
  TimePoint deadline_;
  Duration timeout_;
};

}  // namespace pinfiber::http
