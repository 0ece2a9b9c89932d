#pragma once
// Response: what the HTTP client got back - status, headers, body. A status of 404 or 500 is data,
// not an error, unless the caller asks (raise_for_status).

#include <string>
#include <string_view>

#include "pinfiber/net/http_errors.hpp"
#include "pinfiber/net/http_headers.hpp"

namespace pinfiber::http {

struct Response {
  /// The status code of the final response (after redirects).
  int status = 0;
  /// The URL that answered (the last one, after redirects).
  std::string url;
  /// The method of the request that got this response ("GET" after a 303 turned a POST into it).
  std::string method;
  Headers headers;
  /// The whole body (for BodyStream, empty: the body is read from the stream).
  std::string body;
  /// Redirects followed on the way.
  int redirects = 0;

  /// 2xx.
  bool ok() const { return status >= 200 && status < 300; }
  /// Throws StatusError ("GET <url>: HTTP 404 Not Found") for a 4xx or 5xx status; never blocks.
  void raise_for_status() const;
};

}  // namespace pinfiber::http
