// The resolver drives c-ares from the hub: c-ares tells us which of its sockets it wants to read or
// write (ARES_OPT_SOCK_STATE_CB), we keep one ev_io per such socket and an ev_timer for its next
// retry (ares_timeout), and call ares_process_fd when either fires. The timer is a libev one, on the
// real clock, because c-ares measures its retries on the real clock too: a hub timer on the paused
// test clock would fire at once, find nothing due and re-arm forever.

#include "pinfiber/io/resolver.hpp"

#include <ares.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <mutex>

#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/io/socket.hpp"

namespace pinfiber {

namespace {

// One lookup. Heap-allocated because c-ares may answer after the asking greenlet gave up (its own
// timeout, a kill): the callback then frees it.
struct Lookup {
  detail::Fiber* waiter = nullptr;
  bool done = false;
  bool abandoned = false;
  int status = ARES_SUCCESS;
  std::vector<Address> result;
};

void on_addrinfo(void* arg, int status, int, ares_addrinfo* info) {
  auto* q = static_cast<Lookup*>(arg);
  if (q->abandoned) {
    delete q;
    if (info) ares_freeaddrinfo(info);
    return;
  }
  q->done = true;
  q->status = status;
  if (status == ARES_SUCCESS && info) {
    for (ares_addrinfo_node* n = info->nodes; n; n = n->ai_next) {
      q->result.push_back(Address::from(n->ai_addr, static_cast<socklen_t>(n->ai_addrlen)));
    }
  }
  if (info) ares_freeaddrinfo(info);
  if (q->waiter) detail::wake(q->waiter);
}

void library_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (int rc = ares_library_init(ARES_LIB_INIT_ALL); rc != ARES_SUCCESS) {
      throw Error(std::string("initialise c-ares: ") + ares_strerror(rc));
    }
  });
}

}  // namespace

struct Resolver::State {
  ares_channel channel = nullptr;
  std::map<int, std::unique_ptr<detail::FdWatch>> watches;  // c-ares's sockets
  detail::RealTimer timer{&State::on_timer, this};

  static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
    auto* s = static_cast<State*>(data);
    auto it = s->watches.find(fd);
    if (!readable && !writable) {
      if (it != s->watches.end()) s->watches.erase(it);  // the watch stops as it goes
      return;
    }
    if (it == s->watches.end()) it = s->watches.emplace(fd, std::make_unique<detail::FdWatch>(&State::on_io, s)).first;
    // Set every time: c-ares reuses fd numbers for new sockets, and a fresh set() renews the
    // kernel registration.
    it->second->set(fd, (readable ? detail::fd_readable : 0) | (writable ? detail::fd_writable : 0));
    it->second->start();
  }

  static void on_io(detail::FdWatch& w, int events) {
    auto* s = static_cast<State*>(w.context());
    const int fd = w.fd();
    ares_process_fd(s->channel, (events & detail::fd_readable) ? fd : ARES_SOCKET_BAD,
                    (events & detail::fd_writable) ? fd : ARES_SOCKET_BAD);
    s->rearm_timer();
  }

  static void on_timer(detail::RealTimer& t) {
    auto* s = static_cast<State*>(t.context());
    ares_process_fd(s->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    s->rearm_timer();
  }

  // The timer runs only while c-ares has work pending, so an idle resolver keeps nothing active
  // (no wake-ups, and LoopExit still works). It is a real-clock timer: c-ares measures its retries on
  // the real clock too, so a hub timer on the paused test clock would fire at once forever.
  void rearm_timer() {
    timeval tv{};
    if (timeval* next = ares_timeout(channel, nullptr, &tv)) {
      timer.start(std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec));
    } else {
      timer.stop();
    }
  }
};

namespace {

// "ip" or "ip:port" ("127.0.0.1:5353", "[::1]:53"), checked here: c-ares accepts out-of-range ports
// and empty entries without a word.
void check_server(const std::string& server) {
  const std::string action = "set DNS server '" + server + "'";
  if (server.empty()) throw Error(action + ": empty");
  std::string host = server;
  std::string port;
  if (server.front() == '[') {
    const auto close = server.find(']');
    if (close == std::string::npos) throw Error(action + ": missing ']'");
    host = server.substr(1, close - 1);
    if (close + 1 < server.size()) {
      if (server[close + 1] != ':') throw Error(action + ": expected ':port' after ']'");
      port = server.substr(close + 2);
    }
  } else if (std::count(server.begin(), server.end(), ':') == 1) {
    const auto colon = server.find(':');
    host = server.substr(0, colon);
    port = server.substr(colon + 1);
  }
  try {
    (void)Address::parse(host, 0);
  } catch (const Error&) {
    throw Error(action + ": '" + host + "' is not a numeric IPv4 or IPv6 address");
  }
  if (!port.empty() || (server.back() == ':')) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) {
      throw Error(action + ": port '" + port + "' is not in 1..65535");
    }
  }
}

}  // namespace

Resolver::Resolver(ResolverOptions options) : s_(std::make_unique<State>()) {
  library_init();
  if (options.tries < 1)
    throw Error("create a DNS resolver: tries must be at least 1, not " + std::to_string(options.tries));
  if (options.try_timeout <= Duration::zero()) throw Error("create a DNS resolver: try_timeout must be positive");
  for (const auto& server : options.servers) check_server(server);
  ares_options opts{};
  opts.sock_state_cb = &State::on_sock_state;
  opts.sock_state_cb_data = s_.get();
  opts.timeout = static_cast<int>(
      std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(options.try_timeout).count()));
  opts.tries = options.tries;
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  if (int rc = ares_init_options(&s_->channel, &opts, mask); rc != ARES_SUCCESS) {
    throw Error(std::string("create a DNS resolver: ") + ares_strerror(rc));
  }
  if (!options.servers.empty()) {
    std::string csv;
    for (const auto& server : options.servers) csv += (csv.empty() ? "" : ",") + server;
    if (int rc = ares_set_servers_ports_csv(s_->channel, csv.c_str()); rc != ARES_SUCCESS) {
      ares_destroy(s_->channel);
      throw Error("set DNS servers '" + csv + "': " + ares_strerror(rc));
    }
  }
}

Resolver::~Resolver() {
  ares_destroy(s_->channel);  // fails pending lookups (their greenlets wake) and closes its sockets
  s_->watches.clear();
  s_->timer.stop();
}

std::vector<Address> Resolver::resolve(std::string_view host, std::uint16_t port, int family, TimeSpan timeout) {
  const std::string name(host);
  if (name.empty()) throw ResolveError("resolve '': an empty host name", ARES_ENOTFOUND);
  // Numeric addresses need no lookup (and no channel round trip).
  try {
    Address a = Address::parse(name, port);
    if (family == AF_UNSPEC || family == a.family()) return {a};
  } catch (const Error&) {
  }
  const TimePoint deadline = deadline_in(timeout);
  auto* q = new Lookup;
  q->waiter = detail::current_fiber();
  ares_addrinfo_hints hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address instead of one per socket type
  hints.ai_flags = ARES_AI_NUMERICSERV;
  const std::string service = std::to_string(port);
  // c-ares 1.18 rejects the service "0" (ARES_ESERVICE); without a service the port is 0 anyway.
  ares_getaddrinfo(s_->channel, name.c_str(), port ? service.c_str() : nullptr, &hints, &on_addrinfo,
                   q);  // may answer at once
  s_->rearm_timer();
  try {
    if (!detail::wait_until({"a DNS lookup"}, deadline, [q] { return q->done; })) {
      q->abandoned = true;  // c-ares still owns it and frees it when the query ends
      char buf[48];
      std::snprintf(buf, sizeof buf, "after %.3f s", std::chrono::duration<double>(timeout.duration()).count());
      throw TimeoutError("resolve '" + name + "'", buf);
    }
  } catch (const TimeoutError&) {
    throw;
  } catch (...) {
    if (!q->done) {
      q->abandoned = true;  // c-ares still owns it and frees it when the query ends
    } else {
      delete q;
    }
    throw;
  }
  std::unique_ptr<Lookup> owned(q);
  if (q->status != ARES_SUCCESS) throw ResolveError("resolve '" + name + "': " + ares_strerror(q->status), q->status);
  if (q->result.empty()) throw ResolveError("resolve '" + name + "': no addresses", ARES_ENODATA);
  return std::move(q->result);
}

namespace {
// The default resolver, as a hub service: made on first use, destroyed when the hub ends, after the
// greenlets that used it.
struct DefaultResolver {
  Resolver resolver;
};
}  // namespace

Resolver& resolver() { return hub().service<DefaultResolver>().resolver; }

}  // namespace pinfiber
