#pragma once
// Private to the server: a request parser fed with whatever bytes arrived, on Boost.Beast's HTTP/1.1
// parser (basic_parser: a push parser that takes any split of the input, checks the syntax strictly,
// and enforces header and body limits). It fills a Request. One per connection, reset per request.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "pinfiber/net/http_request.hpp"

namespace pinfiber::http::detail {

class RequestParser {
 public:
  RequestParser(std::size_t max_header, std::size_t max_body);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  /// Starts on a new request, filling `req` (cleared).
  void reset(Request& req);
  /// Parses what it can of `data` (the bytes received and not consumed yet); returns how many it
  /// consumed. The rest must be offered again, with more appended.
  std::size_t feed(std::string_view data);

  bool started() const;      // a byte of the request arrived
  bool header_done() const;  // the request line and headers are complete
  bool done() const;         // the whole request is here
  /// After an error: the status to answer with (400, 413, 431, 505), and why.
  int error_status() const { return error_status_; }
  const std::string& error_text() const { return error_text_; }

  /// Valid once the header is done.
  bool keep_alive() const;
  bool expects_continue() const;

 private:
  struct Beast;
  std::unique_ptr<Beast> beast_;
  std::size_t max_header_, max_body_;
  int error_status_ = 0;
  std::string error_text_;
};

}  // namespace pinfiber::http::detail
