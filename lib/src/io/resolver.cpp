// The resolver drives c-ares from the hub: c-ares tells us which of its sockets it wants to read or
// write (ARES_OPT_SOCK_STATE_CB), we keep one ev_io per such socket and an ev_timer for its next
// retry (ares_timeout), and call ares_process_fd when either fires. The timer is a libev one, on the
// real clock, because c-ares measures its retries on the real clock too: a hub timer on the paused
// test clock would fire at once, find nothing due and re-arm forever.

#include "pinfiber/io/resolver.hpp"

#include <ares.h>
#include <ev.h>

#include <map>
#include <mutex>

#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/park.hpp"
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
  if (q->waiter) detail::unpark(q->waiter);
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
  struct ev_loop* loop = nullptr;
  std::map<int, std::unique_ptr<ev_io>> watchers;  // c-ares's sockets
  ev_timer timer{};

  static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
    auto* s = static_cast<State*>(data);
    auto it = s->watchers.find(fd);
    if (it != s->watchers.end()) {
      ev_io_stop(s->loop, it->second.get());
      if (!readable && !writable) {
        s->watchers.erase(it);
        return;
      }
    } else {
      if (!readable && !writable) return;
      it = s->watchers.emplace(fd, std::make_unique<ev_io>()).first;
    }
    // Re-initialised every time: c-ares reuses fd numbers for new sockets, and a fresh ev_io_set
    // makes libev re-register the fd with the kernel.
    ev_io* w = it->second.get();
    ev_io_init(w, &State::on_io, fd, (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0));
    w->data = s;
    ev_io_start(s->loop, w);
  }

  static void on_io(struct ev_loop*, ev_io* w, int revents) {
    auto* s = static_cast<State*>(w->data);
    const int fd = w->fd;
    ares_process_fd(s->channel, (revents & EV_READ) ? fd : ARES_SOCKET_BAD,
                    (revents & EV_WRITE) ? fd : ARES_SOCKET_BAD);
    s->rearm_timer();
  }

  static void on_timer(struct ev_loop*, ev_timer* t, int) {
    auto* s = static_cast<State*>(t->data);
    ares_process_fd(s->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    s->rearm_timer();
  }

  // The timer runs only while c-ares has work pending, so an idle resolver keeps nothing active
  // (no wake-ups, and LoopExit still works).
  void rearm_timer() {
    ev_timer_stop(loop, &timer);
    timeval tv{};
    if (timeval* next = ares_timeout(channel, nullptr, &tv)) {
      ev_timer_set(&timer, static_cast<double>(next->tv_sec) + static_cast<double>(next->tv_usec) / 1e6, 0.0);
      ev_timer_start(loop, &timer);
    }
  }
};

Resolver::Resolver(ResolverOptions options) : s_(std::make_unique<State>()) {
  library_init();
  s_->loop = hub().loop();
  ev_init(&s_->timer, &State::on_timer);
  s_->timer.data = s_.get();
  ares_options opts{};
  opts.sock_state_cb = &State::on_sock_state;
  opts.sock_state_cb_data = s_.get();
  opts.timeout = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(options.try_timeout).count());
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
  for (auto& [fd, w] : s_->watchers) ev_io_stop(s_->loop, w.get());
  ev_timer_stop(s_->loop, &s_->timer);
}

std::vector<Address> Resolver::resolve(std::string_view host, std::uint16_t port, int family, Duration timeout) {
  const std::string name(host);
  // Numeric addresses need no lookup (and no channel round trip).
  try {
    Address a = Address::parse(name, port);
    if (family == AF_UNSPEC || family == a.family()) return {a};
  } catch (const Error&) {
  }
  const TimePoint deadline = deadline_after(Clock::now(), timeout);
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
    while (!q->done) {
      if (!detail::park_until({"a DNS lookup"}, deadline) && !q->done) {
        q->abandoned = true;
        throw SocketTimeout("resolve '" + name + "' (timeout)");
      }
    }
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

Resolver& resolver() {
  hub();  // the hub's thread-local is constructed first, so it is destroyed after the resolver
  thread_local std::unique_ptr<Resolver> r;
  if (!r) r = std::make_unique<Resolver>();
  return *r;
}

}  // namespace pinfiber
