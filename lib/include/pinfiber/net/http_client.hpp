#pragma once
// The HTTP client: libcurl's multi interface driven by the hub. A request parks only the greenlet
// that made it; any number of greenlets make requests at once, sharing one connection cache per hub, so
// a second request to the same server reuses the connection the first one left open.
//
//   namespace http = pinfiber::http;
//   http::Response r = http::get("http://127.0.0.1:8080/status", {.timeout = 2s});
//   if (r.ok()) std::puts(r.body.c_str());                    // a 404 is data: r.status == 404
//   http::post("https://pi.lan/led", R"({"on":true})", {.headers = {{"Content-Type", "application/json"}}});

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/io/resolver.hpp"
#include "pinfiber/net/http_body_stream.hpp"
#include "pinfiber/net/http_errors.hpp"
#include "pinfiber/net/http_headers.hpp"
#include "pinfiber/net/http_response.hpp"

namespace pinfiber::http {

/// What every request of a Client does unless the request says otherwise.
struct ClientOptions {
  /// The timeout of each request, from the first byte to the last, redirects and the name lookup
  /// included (default forever); a request's own RequestOptions::timeout replaces it.
  Duration timeout = forever;
  /// Headers sent with every request (a request's own headers of the same name win).
  Headers headers;
  /// Follow 301/302/303/307/308 redirects, at most `max_redirects` of them.
  bool follow_redirects = true;
  int max_redirects = 10;
  /// TLS: the CA certificates (PEM file) that server certificates must chain to; empty: the
  /// system's (/etc/ssl/certs). `verify = false` skips the checks (never in production).
  std::string ca_file;
  bool verify = true;
  /// Largest body a non-streamed response may have (HttpError, Cause::too_large, beyond it).
  std::size_t max_body = 64 * 1024 * 1024;
  /// Bytes a BodyStream holds unread before the transfer pauses.
  std::size_t stream_buffer = 64 * 1024;
  /// Sent as User-Agent unless the request has one.
  std::string user_agent = "pinfiber";
  /// Resolves host names (it must outlive the client); null: the hub's default, pinfiber::resolver().
  Resolver* resolver = nullptr;
};

/// Per request.
struct RequestOptions {
  Headers headers;
  /// This request's timeout (object_timeout: the client's).
  TimeSpan timeout = object_timeout;
  /// Throw StatusError for a 4xx/5xx final status instead of returning it.
  bool raise_for_status = false;
  /// Overrides ClientOptions::follow_redirects for this request.
  std::optional<bool> follow_redirects;
};

/// An HTTP/1.1 and HTTP/2 client (TLS by OpenSSL through libcurl) whose requests park the calling
/// greenlet. Clients are cheap: they hold options; the connections, libcurl's multi handle and its
/// sockets and timer belong to the hub (a service), so every Client of a hub shares them. A Client
/// is used by greenlets of the hub that made it.
///
/// Host names are resolved by pinfiber's resolver (c-ares, on the hub) before libcurl sees them, so no
/// lookup ever blocks the hub or runs in a thread. Proxies are not used (nor the *_proxy variables).
///
/// Errors name the method, the URL and the cause: HttpError (Cause says which), TimeoutError when the
/// request's timeout passes (the transfer is then abandoned and its connection closed), StatusError
/// only when asked. Interrupts (a kill, a pinfiber::Timeout) abandon the transfer the same way.
class Client {
 public:
  explicit Client(ClientOptions options = {});

  const ClientOptions& options() const { return options_; }
  ClientOptions& options() { return options_; }

  /// Sends `method` to `url` with `body` (empty: none) and blocks until the whole response arrived
  /// (after redirects), the timeout, or an error. Throws HttpError, TimeoutError, StatusError (when
  /// asked), ResolveError's cause as HttpError(Cause::dns).
  Response request(std::string_view method, std::string_view url, std::string body = {},
                   const RequestOptions& options = {});
  Response get(std::string_view url, const RequestOptions& options = {}) { return request("GET", url, {}, options); }
  Response head(std::string_view url, const RequestOptions& options = {}) { return request("HEAD", url, {}, options); }
  Response post(std::string_view url, std::string body, const RequestOptions& options = {}) {
    return request("POST", url, std::move(body), options);
  }
  Response put(std::string_view url, std::string body, const RequestOptions& options = {}) {
    return request("PUT", url, std::move(body), options);
  }
  Response patch(std::string_view url, std::string body, const RequestOptions& options = {}) {
    return request("PATCH", url, std::move(body), options);
  }
  /// DELETE (`delete` is a C++ keyword).
  Response del(std::string_view url, const RequestOptions& options = {}) { return request("DELETE", url, {}, options); }

  /// As request(), but returns as soon as the final response's headers arrived; the body is read
  /// from the BodyStream as it comes. The request's timeout covers the headers; each read() of the
  /// body then has its own. Throws as request().
  BodyStream stream(std::string_view method, std::string_view url, std::string body = {},
                    const RequestOptions& options = {});

 private:
  ClientOptions options_;
};

/// The calling thread's default client (default options): a hub service, made on first use.
Client& client();

inline Response get(std::string_view url, const RequestOptions& options = {}) { return client().get(url, options); }
inline Response post(std::string_view url, std::string body, const RequestOptions& options = {}) {
  return client().post(url, std::move(body), options);
}
inline Response put(std::string_view url, std::string body, const RequestOptions& options = {}) {
  return client().put(url, std::move(body), options);
}
inline Response del(std::string_view url, const RequestOptions& options = {}) { return client().del(url, options); }

/// Closes the hub's idle cached connections (and libcurl's multi handle, made again on the next
/// request). For tests that check no fd is left open, and for a daemon about to fork. Never blocks;
/// a no-op while requests are in flight.
void close_idle_connections();

}  // namespace pinfiber::http
