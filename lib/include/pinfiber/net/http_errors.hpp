#pragma once
// The HTTP client's and server's errors. Everything derives from pinfiber::Error; an HTTP request
// that ran past its timeout throws pinfiber::TimeoutError, as every other operation does.

#include <string>

#include "pinfiber/error.hpp"

namespace pinfiber::http {

/// Why a request failed, for code that handles causes differently (retry on a reset, give up on a
/// bad certificate) without reading what().
enum class Cause {
  bad_url,             // not an http:// or https:// URL, or one libcurl cannot parse
  dns,                 // the host name did not resolve (the ResolveError's text is in what())
  refused,             // the connection was refused (code() is ECONNREFUSED)
  connect,             // the connection failed otherwise (unreachable network...)
  tls,                 // TLS handshake or certificate check failed
  reset,               // the peer reset or closed the connection mid-request (code() ECONNRESET/EPIPE)
  empty_reply,         // the server closed the connection without answering
  protocol,            // the server's answer is not valid HTTP
  too_many_redirects,  // more than the allowed redirects
  too_large,           // the response body exceeds ClientOptions::max_body
  other,               // anything else libcurl reports
};

/// "refused", "tls", ...: the cause's name.
const char* to_string(Cause cause);

/// A request that failed: what() names the method, the URL and the cause, e.g.
/// "GET http://127.0.0.1:9/status: Connection refused (Failed to connect to 127.0.0.1 port 9 ...)".
/// code() is the errno where the OS gave one (ECONNREFUSED, ECONNRESET), else zero.
class HttpError : public Error {
 public:
  HttpError(Cause cause, int err, const std::string& message)
      : Error(Verbatim{}, std::error_code(err, std::generic_category()), message), cause_(cause) {}
  Cause cause() const { return cause_; }

 private:
  Cause cause_;
};

/// An HTTP status as an error. The client throws it only when asked (RequestOptions::raise_for_status,
/// Response::raise_for_status()): "GET http://pi.lan/led: HTTP 404 Not Found". A server handler
/// throws it to answer with that status and what() as the plain-text body:
/// `throw StatusError(400, "led: expected on or off")`.
class StatusError : public Error {
 public:
  StatusError(int status, const std::string& message) : Error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

/// The reason phrase of a status code ("Not Found"), "Unknown" for codes it does not know.
const char* reason_phrase(int status);

}  // namespace pinfiber::http
