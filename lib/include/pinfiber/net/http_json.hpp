#pragma once
// JSON for HTTP handlers and responses, with nlohmann-json (Debian's nlohmann-json3-dev: header-only,
// so nothing more to link, on the Zero W either).
//
//   server.post("/led", [&](const http::Request& req, http::ResponseWriter& res) {
//     const auto body = http::json_body(req);                  // 400 with the parser's reason if invalid
//     led.set(body.at("on").get<bool>());
//     http::send_json(res, {{"on", led.is_lit()}});
//   });

#include <nlohmann/json.hpp>
#include <string>

#include "pinfiber/net/http_errors.hpp"
#include "pinfiber/net/http_request.hpp"
#include "pinfiber/net/http_response.hpp"
#include "pinfiber/net/http_response_writer.hpp"

namespace pinfiber::http {

/// Sends `value` as the whole response (application/json). Blocks as ResponseWriter::send.
inline void send_json(ResponseWriter& res, const nlohmann::json& value, int status = 200) {
  res.send(status, value.dump(), "application/json");
}

/// The request's body as JSON. Throws StatusError(400, "invalid JSON in the request body: ...") - which,
/// thrown on from a handler, answers 400.
inline nlohmann::json json_body(const Request& req) {
  try {
    return nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::exception& e) {
    throw StatusError(400, std::string("invalid JSON in the request body: ") + e.what());
  }
}

/// A client response's body as JSON. Throws HttpError(Cause::protocol) naming the URL if invalid.
inline nlohmann::json json_body(const Response& res) {
  try {
    return nlohmann::json::parse(res.body);
  } catch (const nlohmann::json::exception& e) {
    throw HttpError(Cause::protocol, 0,
                    res.method + " " + res.url + ": invalid JSON in the response (" + e.what() + ")");
  }
}

}  // namespace pinfiber::http
