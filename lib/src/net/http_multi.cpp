// The hub drives libcurl's multi interface the way libcurl's multi_socket examples drive it from an
// event loop: libcurl tells which sockets to watch for what (on_socket) and when to call it back
// (on_timer_change); the hub calls curl_multi_socket_action when a socket is ready or the time has
// come. libcurl's callbacks (body bytes, header lines, socket changes) run inside that call, in the
// hub: they only record and wake, never block.

#include <mutex>

#include "http_transfer.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::http::detail {

namespace {
void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
      throw Error(std::string("initialise libcurl: ") + curl_easy_strerror(rc));
    }
  });
}
}  // namespace

Transfer::Transfer() {
  global_init();
  easy = curl_easy_init();
  if (!easy) throw Error("start an HTTP request: curl_easy_init failed");
}

Transfer::~Transfer() {
  if (in_multi) Multi::of_hub().remove(*this);
  curl_easy_cleanup(easy);
  curl_slist_free_all(header_list);
  curl_slist_free_all(resolve_list);
}

void Transfer::wake() {
  if (waiter) pinfiber::detail::wake(waiter);
}

Multi::Multi(Hub& hub) : hub_(hub) { global_init(); }

Multi::~Multi() {
  if (settling_) hub_.allow_auto_advance();
  if (multi_) curl_multi_cleanup(multi_);  // closes cached connections (their watches go first)
  watches_.clear();
  timer_.stop();
}

Multi& Multi::of_hub() { return hub().service<Multi>(); }

CURLM* Multi::handle() {
  if (multi_) return multi_;
  multi_ = curl_multi_init();
  if (!multi_) throw Error("start an HTTP request: curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Multi::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Multi::on_timer_change);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  return multi_;
}

void Multi::add(Transfer& t) {
  if (CURLMcode rc = curl_multi_add_handle(handle(), t.easy); rc != CURLM_OK) {
    throw Error(std::string("start an HTTP request: ") + curl_multi_strerror(rc));
  }
  t.in_multi = true;
  ++running_;
}

void Multi::remove(Transfer& t) {
  if (!t.in_multi) return;
  curl_multi_remove_handle(multi_, t.easy);
  t.in_multi = false;
  --running_;
  if (running_ == 0 && watches_.empty()) timer_.stop();
}

void Multi::resume(Transfer& t) {
  t.paused = false;
  // May call the write callback at once with what libcurl held back; it schedules the rest itself
  // (through the timer callback).
  curl_easy_pause(t.easy, CURLPAUSE_CONT);
}

void Multi::close_idle() {
  if (running_ > 0 || !multi_) return;
  curl_multi_cleanup(multi_);
  multi_ = nullptr;
  watches_.clear();
  timer_.stop();
}

int Multi::on_socket(CURL* easy, curl_socket_t s, int what, void* userp, void*) {
  auto* m = static_cast<Multi*>(userp);
  Transfer* t = nullptr;
  if (easy && curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t)) == CURLE_OK && t &&
      what != CURL_POLL_REMOVE) {
    t->has_socket = true;
    t->awaiting_response = what == CURL_POLL_IN;
  }
  auto it = m->watches_.find(s);
  if (what == CURL_POLL_REMOVE) {
    if (it != m->watches_.end()) m->watches_.erase(it);  // may be the watch whose callback runs: fine
    return 0;
  }
  if (it == m->watches_.end()) {
    it = m->watches_.emplace(s, std::make_unique<pinfiber::detail::FdWatch>(&Multi::on_io, m)).first;
  }
  const int events = ((what & CURL_POLL_IN) ? pinfiber::detail::fd_readable : 0) |
                     ((what & CURL_POLL_OUT) ? pinfiber::detail::fd_writable : 0);
  // Set each time: libcurl reuses fd numbers for new sockets, and set() renews the registration.
  it->second->set(s, events);
  it->second->start();
  return 0;
}

int Multi::on_timer_change(CURLM*, long timeout_ms, void* userp) {
  auto* m = static_cast<Multi*>(userp);
  if (timeout_ms < 0) {
    m->timer_.stop();
  } else {
    // Zero means "as soon as possible": the next turn of the loop, never from inside this callback
    // (libcurl forbids calling curl_multi_socket_action here).
    m->timer_.start(std::chrono::milliseconds(timeout_ms));
  }
  return 0;
}

void Multi::on_io(pinfiber::detail::FdWatch& w, int events) {
  auto* m = static_cast<Multi*>(w.context());
  const int mask = ((events & pinfiber::detail::fd_readable) ? CURL_CSELECT_IN : 0) |
                   ((events & pinfiber::detail::fd_writable) ? CURL_CSELECT_OUT : 0);
  int running = 0;
  curl_multi_socket_action(m->multi_, w.fd(), mask, &running);  // `w` may be gone after this
  m->collect_done();
  m->settle();
}

void Multi::on_timer(pinfiber::detail::RealTimer& t) {
  auto* m = static_cast<Multi*>(t.context());
  if (!m->multi_) return;
  int running = 0;
  curl_multi_socket_action(m->multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  m->collect_done();
  m->settle();
}

// libcurl just did I/O from inside the hub's poll: it may have sent a request to a server greenlet
// of this very hub, whose socket became readable after the poll looked at it. On a paused test
// clock the hub would now see nothing ready and jump to the next deadline - the server's keep-alive
// timeout, say - before the bytes are noticed. So the jump is held off until the next turn of the
// loop, which polls again. With a running clock this costs nothing: it does nothing.
void Multi::settle() {
  if (settling_ || !hub_.clock_paused()) return;
  settling_ = true;
  hub_.inhibit_auto_advance();
  hub_.post([h = &hub_] {
    if (auto* m = h->find_service<Multi>(); m && m->settling_) {
      m->settling_ = false;
      h->allow_auto_advance();
    }
  });
}

void Multi::collect_done() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer* t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
    t->result = msg->data.result;
    t->done = true;
    // Out of the multi at once, so its connection goes back to the cache for the next request.
    remove(*t);
    t->wake();
  }
}

}  // namespace pinfiber::http::detail
