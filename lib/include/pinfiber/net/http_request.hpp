#pragma once
// Request: an HTTP request as the server's handler receives it - complete, body included (bounded by
// ServerOptions::max_body_size).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinfiber/io/address.hpp"
#include "pinfiber/net/http_headers.hpp"

namespace pinfiber::http {

struct Request {
  std::string method;  // "GET", "POST"... as sent (methods are case-sensitive)
  std::string target;  // as sent: "/led?on=1"
  std::string path;    // the target's path, percent-decoded: "/led"
  std::string query;   // the target's query, raw: "on=1"
  int version = 11;    // 10 for HTTP/1.0, 11 for HTTP/1.1
  Headers headers;
  std::string body;
  Address peer;
  /// The values of the route's `{name}` segments, in order.
  using Params = std::vector<std::pair<std::string, std::string>>;
  Params params;

  /// A header's first value, or "".
  std::string_view header(std::string_view name) const { return headers.value(name); }
  /// The route's `{name}` segment ("" if the route has none of that name).
  std::string_view param(std::string_view name) const;
  /// The first value of `key` in the query string, percent-decoded ('+' as space), if present.
  std::optional<std::string> query_value(std::string_view key) const;
};

/// Percent-decoding ("%2F" -> "/"; with `plus_as_space`, '+' -> ' ' as in query strings). Malformed
/// escapes are kept as they are.
std::string percent_decode(std::string_view text, bool plus_as_space = false);

}  // namespace pinfiber::http
