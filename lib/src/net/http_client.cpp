// The HTTP client's requests: each is a Transfer handed to the hub's libcurl multi handle
// (http_multi.cpp), which the greenlet waits on with the one wait primitive.
//
// Name lookups: Debian's libcurl resolves with its threaded resolver (a thread per lookup running a
// blocking getaddrinfo). pinfiber resolves the host itself with its c-ares resolver, on the hub, and
// hands libcurl the addresses through CURLOPT_RESOLVE, so libcurl finds them in its DNS cache and
// never starts a thread. Redirects are followed here rather than by libcurl for the same reason:
// each new host is resolved the same way.

#include "pinfiber/net/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>

#include "http_transfer.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/io/address.hpp"
#include "pinfiber/io/resolver.hpp"

namespace pinfiber::http {

using detail::Multi;
using detail::Transfer;

namespace {

std::string seconds_text(Duration d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "after %.3f s", std::chrono::duration<double>(d).count());
  return buf;
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// libcurl's callbacks, in the hub.
std::size_t on_header(char* p, std::size_t size, std::size_t n, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const std::size_t len = size * n;
  std::string_view line(p, len);
  if (line.starts_with("HTTP/")) {
    // A new response: a 1xx before the final one, or (never here) another hop.
    t->headers.clear();
    const auto sp = line.find(' ');
    int code = 0;
    if (sp != std::string_view::npos) std::from_chars(line.data() + sp + 1, line.data() + line.size(), code);
    t->status = code;
  } else if (trim(line).empty()) {
    if (t->status >= 200) {
      t->headers_done = true;
      if (t->wake_on_data) t->wake();
    }
  } else if (line.front() == ' ' || line.front() == '\t') {
    // An obsolete folded continuation line: part of the previous field's value.
    if (!t->headers.empty()) {
      Headers rebuilt;
      std::size_t i = 0;
      for (const auto& [name, value] : t->headers) {
        rebuilt.add(name, ++i == t->headers.size() ? value + " " + std::string(trim(line)) : value);
      }
      t->headers = std::move(rebuilt);
    }
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    t->headers.add(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
  }
  return len;
}

std::size_t on_body(char* p, std::size_t size, std::size_t n, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const std::size_t len = size * n;
  if (t->discard_body) return len;
  if (t->streaming) {
    if (t->body.size() >= t->limit) {
      t->paused = true;  // libcurl keeps these bytes and hands them over again after resume()
      return CURL_WRITEFUNC_PAUSE;
    }
  } else if (t->body.size() + len > t->limit) {
    t->too_large = true;
    return 0;  // CURLE_WRITE_ERROR: the transfer stops
  }
  t->body.append(p, len);
  if (t->wake_on_data) t->wake();
  return len;
}

// One hop of a request (redirects make more).
struct Hop {
  std::string method;
  std::string url;
  std::string body;
  bool has_body = false;
  Headers headers;  // the request's own (the client's defaults are merged in when sent)
};

struct UrlParts {
  std::string scheme, host;
  std::uint16_t port = 0;
};

UrlParts parse_url(const std::string& action, const std::string& url) {
  CURLU* u = curl_url();
  if (!u) throw Error(action + ": out of memory");
  struct Free {
    CURLU* u;
    ~Free() { curl_url_cleanup(u); }
  } free_u{u};
  if (CURLUcode rc = curl_url_set(u, CURLUPART_URL, url.c_str(), 0); rc != CURLUE_OK) {
    throw HttpError(Cause::bad_url, 0, action + ": not a valid URL (" + curl_url_strerror(rc) + ")");
  }
  UrlParts parts;
  char* text = nullptr;
  if (curl_url_get(u, CURLUPART_SCHEME, &text, 0) == CURLUE_OK) {
    parts.scheme = text;
    curl_free(text);
  }
  if (parts.scheme != "http" && parts.scheme != "https") {
    throw HttpError(Cause::bad_url, 0, action + ": only http:// and https:// URLs are supported");
  }
  if (curl_url_get(u, CURLUPART_HOST, &text, 0) != CURLUE_OK) {
    throw HttpError(Cause::bad_url, 0, action + ": the URL has no host");
  }
  parts.host = text;
  curl_free(text);
  if (curl_url_get(u, CURLUPART_PORT, &text, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    parts.port = static_cast<std::uint16_t>(std::atoi(text));
    curl_free(text);
  }
  return parts;
}

// "host:port:addr,addr" for CURLOPT_RESOLVE, with the addresses pinfiber's resolver found; null for
// a numeric host, which libcurl takes as it is without any lookup.
curl_slist* resolve_entry(const std::string& action, const UrlParts& parts, TimePoint deadline, Duration timeout,
                          Resolver& names) {
  if (parts.host.front() == '[') return nullptr;  // an IPv6 literal
  try {
    (void)Address::parse(parts.host, parts.port);
    return nullptr;
  } catch (const Error&) {
  }
  std::vector<Address> found;
  try {
    const Duration left = deadline == TimePoint::max() ? forever : std::max(Duration::zero(), deadline - Clock::now());
    found = names.resolve(parts.host, parts.port, AF_UNSPEC, left);
  } catch (const TimeoutError&) {
    throw TimeoutError(action, seconds_text(timeout) + " (resolving '" + parts.host + "')");
  } catch (const ResolveError& e) {
    throw HttpError(Cause::dns, 0, action + ": " + e.what());
  }
  std::string entry = parts.host + ":" + std::to_string(parts.port) + ":";
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (i) entry += ",";
    entry += found[i].family() == AF_INET6 ? "[" + found[i].host() + "]" : found[i].host();
  }
  return curl_slist_append(nullptr, entry.c_str());
}

[[noreturn]] void fail(const std::string& action, Transfer& t, const ClientOptions& options) {
  long os_errno = 0;
  curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
  const std::string detail = t.error[0] ? std::string(t.error) : std::string(curl_easy_strerror(t.result));
  const int err = static_cast<int>(os_errno);
  switch (t.result) {
    case CURLE_COULDNT_CONNECT:
      if (err == ECONNREFUSED) throw HttpError(Cause::refused, err, action + ": connection refused (" + detail + ")");
      throw HttpError(Cause::connect, err, action + ": could not connect (" + detail + ")");
    case CURLE_COULDNT_RESOLVE_HOST: throw HttpError(Cause::dns, 0, action + ": name lookup failed (" + detail + ")");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED: throw HttpError(Cause::tls, 0, action + ": TLS failed (" + detail + ")");
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      throw HttpError(Cause::reset, err ? err : ECONNRESET, action + ": connection reset (" + detail + ")");
    case CURLE_GOT_NOTHING:
      throw HttpError(Cause::empty_reply, 0, action + ": the server closed the connection without answering");
    case CURLE_WRITE_ERROR:
      if (t.too_large) {
        throw HttpError(Cause::too_large, 0,
                        action + ": the response body is larger than " + std::to_string(options.max_body) +
                            " bytes (ClientOptions::max_body)");
      }
      break;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: throw HttpError(Cause::bad_url, 0, action + ": " + detail);
    case CURLE_OPERATION_TIMEDOUT: throw TimeoutError(action, "(" + detail + ")");
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP3: throw HttpError(Cause::protocol, 0, action + ": invalid response (" + detail + ")");
    default: break;
  }
  throw HttpError(Cause::other, err, action + ": " + detail);
}

// Where a timed-out request had got to, for the message.
std::string progress_of(Transfer& t) {
  if (t.headers_done) return "the body was still coming";
  if (t.status != 0) return "the headers were still coming";
  if (t.awaiting_response) return "request sent, no response yet";
  if (t.has_socket) return "connecting or sending the request";
  return "no connection yet";
}

std::unique_ptr<Transfer> start(const Hop& hop, const ClientOptions& options, const std::string& action,
                                TimePoint deadline, Duration timeout, bool streaming) {
  const UrlParts parts = parse_url(action, hop.url);
  auto t = std::make_unique<Transfer>();
  t->resolve_list =
      resolve_entry(action, parts, deadline, timeout, options.resolver ? *options.resolver : pinfiber::resolver());
  t->streaming = streaming;
  t->wake_on_data = streaming;
  t->limit = streaming ? std::max<std::size_t>(1, options.stream_buffer) : options.max_body;
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, hop.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  if (t->resolve_list) curl_easy_setopt(e, CURLOPT_RESOLVE, t->resolve_list);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  if (!options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options.verify ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options.verify ? 2L : 0L);

  if (hop.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (hop.method != "GET" || hop.has_body) {
    if (hop.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, hop.method.c_str());
    if (hop.has_body) {
      t->request_body = hop.body;
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request_body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request_body.data());
    }
  }
  // The request's headers, then the client's defaults it does not override.
  auto append = [&](const std::string& name, const std::string& value) {
    const std::string line = value.empty() ? name + ";" : name + ": " + value;  // "Name;" sends it empty
    t->header_list = curl_slist_append(t->header_list, line.c_str());
  };
  for (const auto& [name, value] : hop.headers) append(name, value);
  for (const auto& [name, value] : options.headers) {
    if (!hop.headers.contains(name)) append(name, value);
  }
  if (!hop.headers.contains("User-Agent") && !options.headers.contains("User-Agent")) {
    curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
  }
  if (t->header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);

  t->waiter = pinfiber::detail::current_fiber();
  Multi::of_hub().add(*t);
  return t;
}

template <class Ready>
void await(Transfer& t, const std::string& action, TimePoint deadline, Duration timeout, Ready&& ready) {
  t.waiter = pinfiber::detail::current_fiber();
  struct Leave {
    Transfer& t;
    ~Leave() { t.waiter = nullptr; }
  } leave{t};
  if (!pinfiber::detail::wait_until({"an HTTP response"}, deadline, ready)) {
    throw TimeoutError(action, seconds_text(timeout) + " (" + progress_of(t) + ")");
  }
}

Response response_of(Transfer& t, const Hop& hop, int redirects) {
  Response r;
  r.status = t.status;
  r.method = hop.method;
  char* url = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &url);
  r.url = url ? url : hop.url;
  r.headers = std::move(t.headers);
  r.redirects = redirects;
  return r;
}

// The next hop of a redirect, as browsers and libcurl do it: 303 turns anything but HEAD into a GET
// without body, so do 301 and 302 a POST; 307 and 308 repeat the request as it was. Credentials are
// not sent to another host.
Hop next_hop(const Hop& hop, int status, Transfer& t) {
  char* location = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_URL, &location);
  Hop next = hop;
  next.url = location ? location : "";
  if ((status == 303 && hop.method != "HEAD") || ((status == 301 || status == 302) && hop.method == "POST")) {
    next.method = "GET";
    next.body.clear();
    next.has_body = false;
    next.headers.remove("Content-Type");
    next.headers.remove("Content-Length");
  }
  const auto host_of = [](const std::string& url) {
    try {
      return parse_url("", url).host;
    } catch (const Error&) {
      return std::string();
    }
  };
  if (host_of(next.url) != host_of(hop.url)) {
    next.headers.remove("Authorization");
    next.headers.remove("Cookie");
  }
  return next;
}

// The request as the caller made it: a body is sent for POST, PUT and PATCH even when empty.
Hop first_hop(std::string_view method, std::string_view url, std::string body, const RequestOptions& options) {
  Hop hop{std::string(method), std::string(url), std::move(body), false, options.headers};
  hop.has_body = !hop.body.empty() || hop.method == "POST" || hop.method == "PUT" || hop.method == "PATCH";
  return hop;
}

[[noreturn]] void too_many_redirects(std::string_view method, std::string_view url, int max, const std::string& last) {
  throw HttpError(Cause::too_many_redirects, 0,
                  std::string(method) + " " + std::string(url) + ": more than " + std::to_string(max) +
                      " redirects (the last to " + last + ")");
}

}  // namespace

Client::Client(ClientOptions options) : options_(std::move(options)) {}

Response Client::request(std::string_view method, std::string_view url, std::string body,
                         const RequestOptions& options) {
  const Duration timeout = options.timeout.duration() == object_timeout ? options_.timeout : options.timeout.duration();
  const TimePoint deadline = deadline_in(timeout);
  const bool follow = options.follow_redirects.value_or(options_.follow_redirects);
  Hop hop = first_hop(method, url, std::move(body), options);
  for (int redirects = 0;; ++redirects) {
    const std::string action = hop.method + " " + hop.url;
    std::unique_ptr<Transfer> t = start(hop, options_, action, deadline, timeout, false);
    await(*t, action, deadline, timeout, [&] { return t->done; });
    if (t->result != CURLE_OK) fail(action, *t, options_);
    if (follow && is_redirect(t->status)) {
      Hop next = next_hop(hop, t->status, *t);
      if (!next.url.empty()) {
        if (redirects >= options_.max_redirects) too_many_redirects(method, url, options_.max_redirects, next.url);
        hop = std::move(next);
        continue;
      }
    }
    Response r = response_of(*t, hop, redirects);
    r.body = std::move(t->body);
    if (options.raise_for_status) r.raise_for_status();
    return r;
  }
}

BodyStream Client::stream(std::string_view method, std::string_view url, std::string body,
                          const RequestOptions& options) {
  const Duration timeout = options.timeout.duration() == object_timeout ? options_.timeout : options.timeout.duration();
  const TimePoint deadline = deadline_in(timeout);
  const bool follow = options.follow_redirects.value_or(options_.follow_redirects);
  Hop hop = first_hop(method, url, std::move(body), options);
  for (int redirects = 0;; ++redirects) {
    const std::string action = hop.method + " " + hop.url;
    std::unique_ptr<Transfer> t = start(hop, options_, action, deadline, timeout, true);
    await(*t, action, deadline, timeout, [&] { return t->headers_done || t->done; });
    if (t->done && t->result != CURLE_OK) fail(action, *t, options_);
    if (follow && is_redirect(t->status)) {
      t->discard_body = true;
      t->body.clear();
      if (t->paused) Multi::of_hub().resume(*t);
      Hop next = next_hop(hop, t->status, *t);
      if (!next.url.empty()) {
        if (redirects >= options_.max_redirects) too_many_redirects(method, url, options_.max_redirects, next.url);
        hop = std::move(next);
        continue;  // the old transfer is abandoned (its small body is not worth the wait)
      }
      t->discard_body = false;
    }
    Response r = response_of(*t, hop, redirects);
    if (options.raise_for_status) r.raise_for_status();
    return BodyStream(std::move(t), std::move(r), deadline, timeout);
  }
}

Client& client() {
  struct DefaultClient {
    Client client;
  };
  return hub().service<DefaultClient>().client;
}

void close_idle_connections() {
  if (auto* m = hub().find_service<Multi>()) m->close_idle();
}

// --- Response ---------------------------------------------------------------------------------------

void Response::raise_for_status() const {
  if (status >= 400) {
    throw StatusError(status, method + " " + url + ": HTTP " + std::to_string(status) + " " + reason_phrase(status));
  }
}

// --- BodyStream ---------------------------------------------------------------------------------------

BodyStream::BodyStream(std::unique_ptr<Transfer> t, Response response, TimePoint deadline, Duration timeout)
    : t_(std::move(t)), response_(std::move(response)), deadline_(deadline), timeout_(timeout) {}
BodyStream::BodyStream(BodyStream&&) noexcept = default;
BodyStream& BodyStream::operator=(BodyStream&&) noexcept = default;
BodyStream::~BodyStream() = default;

bool BodyStream::done() const { return !t_; }

std::string BodyStream::read(TimeSpan timeout) {
  if (!t_) return {};
  Transfer& t = *t_;
  const Duration limit = timeout.duration() == object_timeout ? timeout_ : timeout.duration();
  const std::string action = "read the body of " + response_.method + " " + response_.url;
  await(t, action, deadline_in(limit), limit, [&] { return !t.body.empty() || t.done; });
  if (!t.body.empty()) {
    std::string chunk;
    chunk.swap(t.body);
    if (t.paused) Multi::of_hub().resume(t);  // may hand over held-back bytes at once
    return chunk;
  }
  if (t.result != CURLE_OK) {
    ClientOptions none;
    fail(action, t, none);
  }
  t_.reset();
  return {};
}

std::string BodyStream::read_all(TimeSpan timeout) {
  std::string all;
  for (std::string chunk = read(timeout); !chunk.empty(); chunk = read(timeout)) all += chunk;
  return all;
}

}  // namespace pinfiber::http
