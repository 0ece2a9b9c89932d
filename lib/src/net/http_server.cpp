// The HTTP server: a StreamServer whose connection greenlets read requests with Beast's parser
// (http_request_parser.cpp), run the matching route's handler and write its response, while the
// client keeps the connection alive. Every wait on the client has a deadline: for the headers from the
// request's first byte (slowloris), for the body, for the next request of an idle connection, for
// the client to take a response.

#include "pinfiber/net/http_server.hpp"

#include <sys/socket.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>

#include "http_request_parser.hpp"
#include "pinfiber/core/detail/intrusive_list.hpp"
#include "pinfiber/io/stream_server.hpp"
#include "pinfiber/sync/event.hpp"
#include "pinfiber/sync/pool.hpp"

namespace pinfiber::http {

// --- Request ---------------------------------------------------------------------------------------

std::string percent_decode(std::string_view text, bool plus_as_space) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [n, v] : params) {
    if (n == name) return v;
  }
  return {};
}

std::optional<std::string> Request::query_value(std::string_view key) const {
  std::string_view q = query;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq), true) == key) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// --- the server ------------------------------------------------------------------------------------

namespace {

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{name}" for a parameter
  bool prefix = false;                // the pattern ended in "*"
  Handler handler;
};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool match(const Route& r, const std::vector<std::string_view>& parts, Request::Params* params) {
  if (r.prefix ? parts.size() < r.segments.size() : parts.size() != r.segments.size()) return false;
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    const std::string& seg = r.segments[i];
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      if (parts[i].empty()) return false;
      if (params) params->emplace_back(seg.substr(1, seg.size() - 2), std::string(parts[i]));
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

// A growable receive buffer: bytes [pos, len) are received and not parsed yet.
struct InBuffer {
  std::unique_ptr<char[]> data;
  std::size_t cap = 0, pos = 0, len = 0;

  std::string_view pending() const { return {data.get() + pos, len - pos}; }
  // Room for `want` more bytes at the end, moving the pending bytes to the front first.
  char* room(std::size_t want) {
    if (pos > 0) {
      std::memmove(data.get(), data.get() + pos, len - pos);
      len -= pos;
      pos = 0;
    }
    if (cap - len < want) {
      const std::size_t bigger = std::max(cap * 2, len + want);
      auto grown = std::make_unique<char[]>(bigger);
      if (len) std::memcpy(grown.get(), data.get(), len);
      data = std::move(grown);
      cap = bigger;
    }
    return data.get() + len;
  }
};

constexpr std::size_t kReadSize = 16 * 1024;

// A connection waiting for its next request, linked into the server's idle list meanwhile (no
// allocation per request: it lives on the connection greenlet's stack).
struct IdleEntry : pinfiber::detail::ListNode {
  Socket* socket = nullptr;
};

Duration left_until(TimePoint deadline) {
  if (deadline == TimePoint::max()) return forever;
  return std::max(Duration::zero(), deadline - Clock::now());
}

}  // namespace

struct Server::State {
  ServerOptions options;
  std::vector<Route> routes;
  Pool pool;
  std::optional<StreamServer> server;
  pinfiber::detail::IntrusiveList idle;  // IdleEntry: connections waiting for their next request
  bool stopping = false;
  std::uint64_t served = 0;
  Event stopped;
  std::string date;
  std::time_t date_second = 0;

  explicit State(ServerOptions o) : options(std::move(o)), pool(std::max<std::size_t>(1, options.max_connections)) {
    if (!options.on_error) {
      options.on_error = [](const std::string& m) { std::fprintf(stderr, "pinfiber http: %s\n", m.c_str()); };
    }
  }

  const std::string& now_date() {
    const std::time_t t = std::time(nullptr);
    if (t != date_second || date.empty()) {
      std::tm tm{};
      ::gmtime_r(&t, &tm);
      char buf[64];
      std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
      date = buf;
      date_second = t;
    }
    return date;
  }

  // Receives more bytes until `deadline`; 0 at end of stream. Throws TimeoutError, Error.
  std::size_t receive(Socket& s, InBuffer& in, TimePoint deadline) {
    char* at = in.room(kReadSize);
    const std::size_t n = s.recv(at, kReadSize, left_until(deadline));
    in.len += n;
    return n;
  }

  // Answers a request that cannot be served (malformed, too large, too slow) and closes the
  // connection the way that lets the client read the answer: stop sending, read and drop what it is
  // still sending for a moment, then close (closing with unread input would reset the connection and
  // could destroy the answer before the client read it).
  void refuse(Socket& s, int version, int status, const std::string& text) {
    try {
      ResponseWriter res(s, version, false, false, options.send_timeout, &now_date());
      res.send(status, text + "\n");
      s.shutdown(SHUT_WR);
      const TimePoint until = deadline_in(std::chrono::seconds(1));
      char sink[4096];
      std::size_t dropped = 0;
      while (dropped < 256 * 1024) {
        const std::size_t n = s.recv(sink, sizeof sink, left_until(until));
        if (n == 0) break;
        dropped += n;
      }
    } catch (const Error&) {
      // the client is gone or slow: nothing more to do for it
    }
  }

  void dispatch(Request& req, ResponseWriter& res) {
    // The target: origin form "/path?query", or absolute form "http://host/path?query".
    std::string_view target = req.target;
    if (const auto scheme = target.find("://"); scheme != std::string_view::npos && !target.starts_with('/')) {
      const auto slash = target.find('/', scheme + 3);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    const auto qmark = target.find('?');
    req.path = percent_decode(target.substr(0, qmark));
    req.query = qmark == std::string_view::npos ? std::string() : std::string(target.substr(qmark + 1));
    const std::vector<std::string_view> parts = split_path(req.path);
    const Route* found = nullptr;
    std::string allowed;
    for (const Route& r : routes) {
      if (!match(r, parts, nullptr)) continue;
      if (r.method == "*" || r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
        found = &r;
        break;
      }
      if (allowed.find(r.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + r.method;
    }
    try {
      if (!found) {
        if (!allowed.empty()) {
          if (allowed.find("GET") != std::string::npos) allowed += ", HEAD";
          res.header("Allow", allowed);
          res.send(405, "method " + req.method + " not allowed on " + req.path + " (allowed: " + allowed + ")\n");
        } else {
          res.send(404, "nothing at " + req.path + "\n");
        }
        return;
      }
      match(*found, parts, &req.params);
      try {
        found->handler(req, res);
      } catch (const StatusError& e) {
        if (res.started()) {
          res.close_connection();
        } else {
          res.send(e.status(), std::string(e.what()) + "\n");
        }
        return;
      } catch (const std::exception& e) {
        if (res.broken()) throw;  // the client went away mid-response: not the handler's failure
        options.on_error(req.method + " " + req.target + ": " + e.what());
        if (res.started()) {
          res.close_connection();
        } else {
          res.send(500, "internal server error\n");
        }
        return;
      }
      if (!res.started()) {
        res.send({}, {});
      } else if (!res.finished()) {
        res.end();
      }
    } catch (const Error&) {
      res.close_connection();  // writing to the client failed: it is gone
    }
  }

  void serve(Socket& s, const Address& peer) {
    s.set_nodelay();
    InBuffer in;
    Request req;
    req.peer = peer;
    detail::RequestParser parser(options.max_header_size, options.max_body_size);
    bool first = true;
    while (!stopping) {
      parser.reset(req);
      try {
        // The first byte: a new connection has header_timeout to send it, an idle one keep_alive_timeout.
        if (in.pending().empty()) {
          IdleEntry entry;
          entry.socket = &s;
          idle.push_back(&entry);
          struct Busy {
            pinfiber::detail::IntrusiveList& idle;
            IdleEntry& entry;
            ~Busy() {
              if (entry.linked()) idle.erase(&entry);
            }
          } busy{idle, entry};
          if (receive(s, in, deadline_in(first ? options.header_timeout : options.keep_alive_timeout)) == 0) return;
        }
        if (stopping) return;
        const TimePoint header_deadline = deadline_in(options.header_timeout);
        for (;;) {
          in.pos += parser.feed(in.pending());
          if (parser.error_status()) return refuse(s, req.version, parser.error_status(), parser.error_text());
          if (parser.header_done()) break;
          try {
            if (receive(s, in, header_deadline) == 0) return;
          } catch (const TimeoutError&) {
            return refuse(s, req.version, 408,
                          "the request's headers took longer than " +
                              std::to_string(std::chrono::duration<double>(options.header_timeout).count()) + " s");
          }
        }
        if (!parser.done()) {
          if (parser.expects_continue() && req.version == 11) s.send_all("HTTP/1.1 100 Continue\r\n\r\n");
          const TimePoint body_deadline = deadline_in(options.body_timeout);
          for (;;) {
            in.pos += parser.feed(in.pending());
            if (parser.error_status()) return refuse(s, req.version, parser.error_status(), parser.error_text());
            if (parser.done()) break;
            try {
              if (receive(s, in, body_deadline) == 0) return;
            } catch (const TimeoutError&) {
              return refuse(s, req.version, 408,
                            "the request's body took longer than " +
                                std::to_string(std::chrono::duration<double>(options.body_timeout).count()) + " s");
            }
          }
        }
      } catch (const TimeoutError&) {
        return;  // an idle connection's time is up
      } catch (const Error&) {
        return;  // reset by the client
      }
      ResponseWriter res(s, req.version, parser.keep_alive() && !stopping, req.method == "HEAD", options.send_timeout,
                         &now_date(), &stopping);
      dispatch(req, res);
      ++served;
      if (!res.keep_alive() || res.broken()) return;
      first = false;
    }
  }
};

Server::Server(const Address& address, ServerOptions options) : s_(std::make_unique<State>(std::move(options))) {
  s_->server.emplace(
      address, [s = s_.get()](Socket& c, const Address& peer) { s->serve(c, peer); }, &s_->pool);
}

Server::Server(Socket listener, ServerOptions options) : s_(std::make_unique<State>(std::move(options))) {
  s_->server.emplace(
      std::move(listener), [s = s_.get()](Socket& c, const Address& peer) { s->serve(c, peer); }, &s_->pool);
}

Server::~Server() {
  try {
    stop(0);
  } catch (...) {
  }
}

void Server::route(std::string method, std::string pattern, Handler handler) {
  Route r;
  r.method = std::move(method);
  std::string_view p = pattern;
  if (p.ends_with("*")) {
    r.prefix = true;
    p.remove_suffix(1);
    if (p.ends_with("/")) p.remove_suffix(1);
  }
  for (std::string_view seg : split_path(p)) r.segments.emplace_back(seg);
  if (r.prefix && !r.segments.empty() && r.segments.back().empty()) r.segments.pop_back();
  r.handler = std::move(handler);
  s_->routes.push_back(std::move(r));
}

void Server::start() {
  s_->stopping = false;
  s_->stopped.clear();
  s_->server->start();
}

void Server::serve_forever() {
  start();
  s_->stopped.wait();
}

void Server::stop(TimeSpan timeout) {
  if (!s_->server->started()) return;
  s_->stopping = true;
  // Idle keep-alive connections end now: their greenlets read end of stream and return.
  for (auto* n = s_->idle.front(); n; n = s_->idle.next_of(n)) {
    ::shutdown(static_cast<IdleEntry*>(n)->socket->fd(), SHUT_RD);
  }
  s_->server->stop(timeout);
  s_->stopped.set();
}

const Address& Server::address() const { return s_->server->address(); }
std::size_t Server::connection_count() const { return s_->server->connection_count(); }
std::uint64_t Server::requests_served() const { return s_->served; }

}  // namespace pinfiber::http
