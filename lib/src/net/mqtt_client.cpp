// The MQTT client: libmosquitto's protocol engine, driven by the hub the way libcurl's multi_socket
// or c-ares are driven - libmosquitto owns the protocol and its socket; the hub watches that socket
// (mosquitto_socket, mosquitto_want_write) and calls mosquitto_loop_read / loop_write when it is ready,
// and mosquitto_loop_misc (the keepalive) from a timer. libmosquitto's callbacks (CONNACK, PUBACK,
// a message...) run inside those calls: they never block, they record what happened and wake the
// greenlets waiting for it. mosquitto_loop_start (a thread) and mosquitto_connect (a blocking
// getaddrinfo and connect) are never used: the name is resolved by pinfiber's c-ares resolver, and
// mosquitto_connect_async is given the numeric address, which its getaddrinfo answers without a
// lookup and whose connect(2) it makes non-blocking.
//
// What libmosquitto does not offer, and how it is done here:
//  - No way to drop a connection that is being made (a CONNACK that never comes): the socket's fd
//    number is pointed at the read end of an empty pipe (dup3), so the TCP connection closes at once
//    and libmosquitto's next read sees end of file and closes what it thinks is its socket.
//  - During a TLS handshake it reports a writable socket through loop_read, not loop_write (its own
//    mosquitto_loop calls an internal function there); a peer that closes mid-handshake can leave it
//    waiting on a socket at end of file, which is detected here with a MSG_PEEK.
//  - Its keepalive clock is whole seconds of real time; when a ping is due is read from the kernel
//    (TCP_INFO's last data sent / received), so the timer wakes once per keepalive interval on an
//    idle connection instead of every second as libmosquitto's own loop does.

#include "pinfiber/net/mqtt_client.hpp"

#include <fcntl.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mqtt_tls.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/wait_list.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/sleep.hpp"
#include "pinfiber/io/resolver.hpp"
#include "pinfiber/sync/queue.hpp"
#include "sigpipe_block.hpp"

namespace pinfiber::mqtt {

namespace pd = pinfiber::detail;

namespace {

// QoS 0 messages accepted and not yet written to the socket before publish() waits: enough to
// batch writes under load (one writable wake-up sends them all), little memory (a Pi Zero).
constexpr std::size_t kMaxUnwritten = 64;

void library_init() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string seconds_text(Duration d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "after %.3f s", std::chrono::duration<double>(d).count());
  return buf;
}

Duration remaining(TimePoint deadline) {
  if (deadline == TimePoint::max()) return forever;
  return std::max(Duration::zero(), deadline - Clock::now());
}

// CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3).
std::string connack_reason(int rc) {
  switch (rc) {
    case 1: return "unacceptable protocol version";
    case 2: return "client identifier rejected";
    case 3: return "server unavailable";
    case 4: return "bad user name or password";
    case 5: return "not authorised";
    default: return "return code " + std::to_string(rc);
  }
}

void check_qos(int qos, const std::string& action) {
  if (qos < 0 || qos > 2) throw MqttError(EINVAL, action + ": QoS must be 0, 1 or 2, not " + std::to_string(qos));
}

}  // namespace

enum class Phase {
  idle,        // never connected, or disconnect() was called
  connecting,  // an attempt is under way (connect() or the reconnecting greenlet)
  connected,   // CONNACK accepted, connection up
  offline,     // the connection was lost; the reconnecting greenlet is at work
  closing,     // disconnect(): DISCONNECT on its way
};

struct Client::State {
  State(std::string host_, std::uint16_t port_, ClientOptions options);
  ~State();

  // Identity, for messages.
  std::string host;
  std::uint16_t port;
  ClientOptions opt;
  std::string broker;  // "host:port"
  std::string connect_action;
  mosquitto* mosq = nullptr;
  std::unique_ptr<detail::TlsContext> tls;

  // How the hub drives libmosquitto.
  pd::FdWatch watch{&State::on_io, this};
  pd::RealTimer keepalive_timer{&State::on_keepalive, this};
  int watched_fd = -1;
  int watched_events = 0;
  std::chrono::steady_clock::time_point keepalive_reset;  // the last CONNACK or ping: libmosquitto's clocks restart
  bool socket_renewed = false;  // a new socket, possibly with a reused fd number: renew the watch
  bool inert = false;           // the socket was dropped by abort_socket() but libmosquitto kept the fd

  Phase phase = Phase::idle;
  bool reconnecting = false;  // connect() succeeded and disconnect() was not called since
  pd::WaitList changes;       // greenlets waiting for a phase, an acknowledgement, a subscription
  GreenletBase supervisor;    // reconnects

  // The attempt under way.
  bool attempt_over = false;
  std::string attempt_ip;
  std::exception_ptr attempt_error;
  bool attempt_final = false;  // the broker answered (refusal, TLS): no point trying another address
  bool tcp_up = false;         // the attempt's TCP connection was seen established
  std::string last_error;

  // Publishes by message id: QoS 1/2 until acknowledged, QoS 0 until written to the socket.
  struct Publish {
    int qos = 0;
    pd::Fiber* waiter = nullptr;
    bool done = false;
    bool failed = false;
  };
  std::unordered_map<int, Publish> publishes;
  std::size_t queued = 0;     // QoS 1/2 entries of `publishes`
  std::size_t unwritten = 0;  // QoS 0 entries: accepted, not yet written to the socket
  pd::WaitList room;          // QoS 0 publishers waiting for `unwritten` to go below the bound
  int publishing_mid = 0;     // mosquitto_publish writes the id here before it may call on_publish
  bool publishing = false;
  bool written_at_once = false;

  struct Subscription {
    std::string filter;
    int qos = 0;
    int mid = -1;
    int granted = -1;
    bool acked = false;
    bool removed = false;
  };
  std::vector<std::shared_ptr<Subscription>> subscriptions;
  std::unordered_map<int, bool> unsubscribes;  // mid -> UNSUBACK received

  // Received messages.
  std::shared_ptr<Queue<Message>> inbox;
  std::shared_ptr<Queue<Message>> to_handlers = std::make_shared<Queue<Message>>();
  std::vector<std::pair<std::string, MessageHandler>> handlers;
  GreenletBase dispatcher;
  std::size_t unconsumed = 0;
  bool reading_paused = false;
  bool closing_down = false;

  // Connecting.
  void attempt(TimePoint deadline, Duration timeout);
  bool try_address(const Address& a, TimePoint deadline, Duration timeout);
  void fail_attempt(std::exception_ptr e, bool final);
  std::string stage() const;
  std::string failure_prefix(int err) const;
  void abort_socket();
  void lost(const std::string& why);
  void supervise();
  void start_supervisor();
  void send_subscribe(Subscription& sub);

  // Driving.
  void update_watch();
  void read_some();
  void after_call(int rc);
  void arm_keepalive();
  Duration keepalive_due_in() const;
  void consumed();
  void dispatch();
  std::string describe(int rc, int err) const;

  static void on_io(pd::FdWatch& w, int events);
  static void on_keepalive(pd::RealTimer& t);

  // libmosquitto's callbacks.
  static void on_connect(mosquitto*, void* obj, int rc, int flags);
  static void on_disconnect(mosquitto*, void* obj, int rc);
  static void on_publish(mosquitto*, void* obj, int mid);
  static void on_message(mosquitto*, void* obj, const mosquitto_message* msg);
  static void on_subscribe(mosquitto*, void* obj, int mid, int count, const int* granted);
  static void on_unsubscribe(mosquitto*, void* obj, int mid);
};

// ---------------------------------------------------------------------------------------------
// Setting up.

Client::State::State(std::string host_, std::uint16_t port_, ClientOptions options)
    : host(std::move(host_)), port(port_), opt(std::move(options)) {
  library_init();
  detail::SigpipeBlock::acquire();
  struct Undo {  // a constructor that throws has no destructor to release it
    bool armed = true;
    ~Undo() {
      if (armed) detail::SigpipeBlock::release();
    }
  } undo;
  if (port == 0) port = opt.tls ? 8883 : 1883;
  broker = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  connect_action = "connect to MQTT broker " + broker + (opt.client_id.empty() ? "" : " as '" + opt.client_id + "'");
  const std::string create = "create an MQTT client for broker " + broker;
  if (host.empty()) throw MqttError(EINVAL, create + ": empty host name");
  const auto keepalive = std::chrono::duration_cast<std::chrono::seconds>(opt.keepalive.duration()).count();
  if (keepalive != 0 && (keepalive < 5 || keepalive > 65535)) {
    throw MqttError(EINVAL, create + ": keepalive must be 0 or 5 to 65535 s, not " + std::to_string(keepalive) + " s");
  }
  if (opt.max_queued == 0 || opt.max_queued > 65535) {
    throw MqttError(EINVAL, create + ": max_queued must be 1 to 65535 (MQTT message ids are 16 bits)");
  }
  if (opt.max_inflight < 1 || opt.max_inflight > 65535)
    throw MqttError(EINVAL, create + ": max_inflight must be 1 to 65535");
  if (opt.max_incoming == 0) throw MqttError(EINVAL, create + ": max_incoming must be at least 1");
  if (opt.reconnect_min.duration() <= Duration::zero() || opt.reconnect_max.duration() < opt.reconnect_min.duration()) {
    throw MqttError(EINVAL, create + ": reconnect delays must be positive, reconnect_max >= reconnect_min");
  }
  if (opt.client_id.empty() && !opt.clean_session) {
    throw MqttError(EINVAL, create + ": a persistent session (clean_session false) needs a client_id");
  }
  mosq = mosquitto_new(opt.client_id.empty() ? nullptr : opt.client_id.c_str(), opt.clean_session, this);
  if (!mosq) throw MqttError(errno, create + ": " + std::strerror(errno));
  try {
    mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    // Acknowledgements and pings leave at once rather than after Nagle's 40 ms.
    mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_max_inflight_messages_set(mosq, static_cast<unsigned>(opt.max_inflight));
    if (!opt.username.empty() &&
        mosquitto_username_pw_set(mosq, opt.username.c_str(), opt.password.empty() ? nullptr : opt.password.c_str()) !=
            MOSQ_ERR_SUCCESS) {
      throw MqttError(EINVAL, create + ": invalid user name or password (not UTF-8?)");
    }
    if (opt.will) {
      const Will& w = *opt.will;
      check_qos(w.qos, create + ": will");
      if (int rc = mosquitto_will_set(mosq, w.topic.c_str(), static_cast<int>(w.payload.size()), w.payload.data(),
                                      w.qos, w.retain);
          rc != MOSQ_ERR_SUCCESS) {
        throw MqttError(EINVAL, create + ": will topic '" + w.topic + "': " + mosquitto_strerror(rc));
      }
    }
    if (opt.tls) {
      tls = std::make_unique<detail::TlsContext>(*opt.tls, host, broker);
      // Our context as it is: libmosquitto must not apply its defaults, which would check the
      // certificate against the numeric address it is given.
      mosquitto_int_option(mosq, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);
      if (int rc = mosquitto_void_option(mosq, MOSQ_OPT_SSL_CTX, tls->get()); rc != MOSQ_ERR_SUCCESS) {
        throw MqttError(create + ": TLS: " + mosquitto_strerror(rc));
      }
    }
  } catch (...) {
    mosquitto_destroy(mosq);
    throw;
  }
  undo.armed = false;
  mosquitto_connect_with_flags_callback_set(mosq, &State::on_connect);
  mosquitto_disconnect_callback_set(mosq, &State::on_disconnect);
  mosquitto_publish_callback_set(mosq, &State::on_publish);
  mosquitto_message_callback_set(mosq, &State::on_message);
  mosquitto_subscribe_callback_set(mosq, &State::on_subscribe);
  mosquitto_unsubscribe_callback_set(mosq, &State::on_unsubscribe);
}

Client::State::~State() {
  closing_down = true;
  try {
    if (supervisor && !supervisor.dead()) supervisor.kill();
    if (dispatcher && !dispatcher.dead()) dispatcher.kill();
  } catch (...) {
    // Destroyed while the hub itself is going away: nothing left to wait for.
  }
  watch.stop();
  keepalive_timer.stop();
  {
    // A DISCONNECT if the socket takes it now, so the broker does not publish the will.
    if (phase == Phase::connected) mosquitto_disconnect(mosq);
    mosquitto_destroy(mosq);  // closes the socket
  }
  tls.reset();  // after mosquitto_destroy, which held a reference to the context
  detail::SigpipeBlock::release();
}

// ---------------------------------------------------------------------------------------------
// Driving libmosquitto from the hub.

void Client::State::update_watch() {
  const int fd = mosquitto_socket(mosq);
  if (fd < 0 || inert) {
    watch.stop();
    watched_fd = -1;
    return;
  }
  const int events = (reading_paused ? 0 : pd::fd_readable) | (mosquitto_want_write(mosq) ? pd::fd_writable : 0);
  if (events == 0) {
    watch.stop();
    return;
  }
  if (socket_renewed || fd != watched_fd || events != watched_events) {
    watch.stop();
    watch.set(fd, events);
    watched_fd = fd;
    watched_events = events;
    socket_renewed = false;
  }
  if (!watch.active()) watch.start();
}

// Reads what the socket has, a bounded number of packets per call (the cooperative budget's idea:
// a broker flooding us cannot keep the hub from its timers and other sockets).
void Client::State::read_some() {
  for (int i = 0; i < 64 && !reading_paused; ++i) {
    errno = 0;
    const int rc = mosquitto_loop_read(mosq, 1);
    const int err = errno;
    after_call(rc);
    if (rc != MOSQ_ERR_SUCCESS || mosquitto_socket(mosq) < 0 || inert || err == EAGAIN || err == EWOULDBLOCK) break;
  }
}

// loop_read/loop_write close the socket and call on_disconnect on failure, except when the TLS
// handshake fails: loop_read then returns MOSQ_ERR_TLS with the socket closed and no callback.
void Client::State::after_call(int rc) {
  if (rc == MOSQ_ERR_TLS && phase == Phase::connecting && !attempt_over) {
    fail_attempt(std::make_exception_ptr(MqttError(
                     EPROTO, connect_action + ": TLS handshake failed: " + (tls ? tls->failure() : "TLS error"))),
                 true);
  }
}

void Client::State::on_io(pd::FdWatch& w, int events) {
  auto* s = static_cast<State*>(w.context());
  const int fd = w.fd();
  if (s->phase == Phase::connecting && !s->attempt_over) {
    // A non-blocking connect that failed (refused, unreachable) says so here.
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0) {
      // Once TCP was up, a TLS client's failure is its handshake's (a plain broker resets it).
      s->fail_attempt(std::make_exception_ptr(MqttError(err, s->failure_prefix(err) + std::strerror(err))), false);
      s->abort_socket();
      s->changes.wake_all();
      return;
    }
    if (events & pd::fd_writable) s->tcp_up = true;
  }
  const bool handshaking = s->tls && s->phase == Phase::connecting;
  if ((events & pd::fd_readable) || (handshaking && (events & pd::fd_writable))) s->read_some();
  if ((events & pd::fd_writable) && mosquitto_socket(s->mosq) >= 0 && !s->inert) {
    s->after_call(mosquitto_loop_write(s->mosq, 1));
  }
  if (handshaking && s->phase == Phase::connecting && !s->attempt_over && mosquitto_socket(s->mosq) >= 0 &&
      (events & pd::fd_readable)) {
    // libmosquitto keeps waiting when the broker closes the connection mid-handshake (it takes
    // OpenSSL's SSL_ERROR_SYSCALL for "try again"): the socket would then be readable forever.
    char c;
    const ssize_t n = ::recv(mosquitto_socket(s->mosq), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
      const int err = n == 0 ? ECONNRESET : errno;
      s->fail_attempt(std::make_exception_ptr(MqttError(
                          err, s->connect_action + ": TLS handshake failed: the broker closed the connection" +
                                   (n == 0 ? std::string() : std::string(" (") + std::strerror(err) + ")"))),
                      false);
      s->abort_socket();
    }
  }
  s->update_watch();
}

// When libmosquitto's keepalive check is due: it pings once nothing was sent, or nothing received,
// for a keepalive interval (whichever came first). The kernel knows both times to the millisecond.
Duration Client::State::keepalive_due_in() const {
  const int fd = mosquitto_socket(mosq);
  tcp_info info{};
  socklen_t len = sizeof info;
  if (fd < 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return std::chrono::seconds(1);
  // libmosquitto also restarts both times when it pings (and when it connects): a silent broker's
  // last data is older than that.
  const auto since_reset =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - keepalive_reset);
  const auto idle = std::min<std::chrono::milliseconds>(
      std::chrono::milliseconds(std::max(info.tcpi_last_data_sent, info.tcpi_last_data_recv)), since_reset);
  // libmosquitto counts whole seconds: 100 ms past its due time, its check certainly agrees.
  return std::chrono::duration_cast<Duration>(opt.keepalive.duration() - idle + std::chrono::milliseconds(100));
}

void Client::State::arm_keepalive() {
  if (opt.keepalive.duration() == Duration::zero() || phase != Phase::connected || mosquitto_socket(mosq) < 0) {
    keepalive_timer.stop();
    return;
  }
  keepalive_timer.start(std::max<Duration>(keepalive_due_in(), std::chrono::milliseconds(100)));
}

void Client::State::on_keepalive(pd::RealTimer& t) {
  auto* s = static_cast<State*>(t.context());
  if (s->phase != Phase::connected || mosquitto_socket(s->mosq) < 0) return;
  if (const Duration due = s->keepalive_due_in(); due > Duration::zero()) {
    t.start(due);  // traffic since the timer was armed put the ping off
    return;
  }
  {
    s->after_call(mosquitto_loop_misc(s->mosq));  // a PINGREQ, or the end of a connection whose PINGRESP never came
  }
  s->keepalive_reset = std::chrono::steady_clock::now();
  s->update_watch();
  if (s->phase == Phase::connected) {
    // At least a second, should libmosquitto's clock see it differently: never a busy loop.
    t.start(std::max<Duration>(s->keepalive_due_in(), std::chrono::seconds(1)));
  }
}

std::string Client::State::describe(int rc, int err) const {
  switch (rc) {
    case MOSQ_ERR_CONN_LOST: return "the broker closed the connection";
    case MOSQ_ERR_ERRNO: return std::strerror(err);
    case MOSQ_ERR_KEEPALIVE:
      return "no answer to a keepalive ping within " +
             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(opt.keepalive.duration()).count()) + " s";
    case MOSQ_ERR_PROTOCOL: return "protocol error (a malformed packet from the broker)";
    case MOSQ_ERR_TLS: return "TLS error: " + (tls ? tls->failure() : std::string("unknown"));
    default: return mosquitto_strerror(rc);
  }
}

// ---------------------------------------------------------------------------------------------
// libmosquitto's callbacks: inside loop_read/loop_write/loop_misc or a call of ours; never block.

void Client::State::on_connect(mosquitto*, void* obj, int rc, int flags) {
  auto* s = static_cast<State*>(obj);
  if (s->phase != Phase::connecting || s->attempt_over) return;
  if (rc != 0) {
    // libmosquitto closes the socket right after (on_disconnect).
    s->fail_attempt(
        std::make_exception_ptr(ConnectionRefused(
            rc, s->connect_action + ": refused: " + connack_reason(rc) + " (CONNACK " + std::to_string(rc) + ")")),
        true);
    return;
  }
  s->attempt_over = true;
  s->phase = Phase::connected;
  s->last_error.clear();
  s->keepalive_reset = std::chrono::steady_clock::now();
  // Subscriptions are renewed unless the broker kept them (a persistent session it still had).
  const bool session_present = (flags & 1) != 0;
  for (auto& sub : s->subscriptions) {
    if (!session_present || !sub->acked) s->send_subscribe(*sub);
  }
  s->arm_keepalive();
  s->changes.wake_all();
}

void Client::State::on_disconnect(mosquitto*, void* obj, int rc) {
  const int err = errno;
  auto* s = static_cast<State*>(obj);
  s->keepalive_timer.stop();
  if (s->phase == Phase::connecting) {
    if (!s->attempt_over) {
      const std::string why =
          rc == MOSQ_ERR_CONN_LOST ? "the broker closed the connection before CONNACK" : s->describe(rc, err);
      const int code = rc == MOSQ_ERR_ERRNO ? err : ECONNRESET;
      s->fail_attempt(std::make_exception_ptr(MqttError(code, s->failure_prefix(code) + why)), false);
    }
  } else if (s->phase == Phase::connected) {
    s->lost(s->describe(rc, err));
  }
  s->changes.wake_all();
}

void Client::State::on_publish(mosquitto*, void* obj, int mid) {
  auto* s = static_cast<State*>(obj);
  if (s->publishing && mid == s->publishing_mid) {
    s->written_at_once = true;  // a QoS 0 message written inside mosquitto_publish
    return;
  }
  auto it = s->publishes.find(mid);
  if (it == s->publishes.end()) return;
  Publish& p = it->second;
  if (p.qos > 0) --s->queued;
  if (p.qos == 0 && --s->unwritten < kMaxUnwritten) s->room.wake_all();
  if (p.waiter) {
    p.done = true;
    pd::wake(p.waiter);
  } else {
    s->publishes.erase(it);  // its publisher gave up waiting (a timeout) or left
  }
}

void Client::State::on_message(mosquitto*, void* obj, const mosquitto_message* msg) {
  auto* s = static_cast<State*>(obj);
  Message m{msg->topic ? msg->topic : "",
            std::string(static_cast<const char*>(msg->payload), static_cast<std::size_t>(std::max(0, msg->payloadlen))),
            msg->qos, msg->retain};
  bool for_handlers = false;
  for (const auto& [filter, handler] : s->handlers) {
    bool match = false;
    if (mosquitto_topic_matches_sub(filter.c_str(), m.topic.c_str(), &match) == MOSQ_ERR_SUCCESS && match) {
      for_handlers = true;
      break;
    }
  }
  try {
    if (for_handlers) {
      s->to_handlers->put_nowait(std::move(m));
      if (!s->dispatcher || s->dispatcher.dead()) s->dispatch();
    } else if (s->inbox) {
      s->inbox->put_nowait(std::move(m));
    } else {
      return;
    }
  } catch (const QueueShutdown&) {
    return;  // disconnect() was called: nobody is to receive it
  }
  if (++s->unconsumed >= s->opt.max_incoming) s->reading_paused = true;
}

void Client::State::on_subscribe(mosquitto*, void* obj, int mid, int count, const int* granted) {
  auto* s = static_cast<State*>(obj);
  for (auto it = s->subscriptions.begin(); it != s->subscriptions.end(); ++it) {
    Subscription& sub = **it;
    if (sub.mid != mid) continue;
    sub.mid = -1;
    sub.granted = count > 0 ? granted[0] : 0x80;
    sub.acked = true;
    if (sub.granted == 0x80) {
      // A refused renewal has no caller to tell: it becomes the client's last error.
      s->last_error = "subscribe to '" + sub.filter + "' on MQTT broker " + s->broker + ": refused by the broker";
      sub.removed = true;
      s->subscriptions.erase(it);
    }
    break;
  }
  s->changes.wake_all();
}

void Client::State::on_unsubscribe(mosquitto*, void* obj, int mid) {
  auto* s = static_cast<State*>(obj);
  if (auto it = s->unsubscribes.find(mid); it != s->unsubscribes.end()) it->second = true;
  s->changes.wake_all();
}

// ---------------------------------------------------------------------------------------------
// Connecting and losing the connection.

void Client::State::fail_attempt(std::exception_ptr e, bool final) {
  if (attempt_over) return;
  attempt_over = true;
  attempt_error = std::move(e);
  attempt_final = final;
  changes.wake_all();
}

// How an attempt's failure with `err` begins: "connect to MQTT broker b as 'id' (127.0.0.1:1883): ",
// or "...: TLS handshake failed: " once TCP was up for a TLS client (a reset means it was: a
// connection that never was is refused instead) - what a plain broker does to a ClientHello.
std::string Client::State::failure_prefix(int err) const {
  if (tls && (tcp_up || err == ECONNRESET || err == EPIPE)) {
    auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq));
    if (!ssl || !SSL_is_init_finished(ssl)) return connect_action + ": TLS handshake failed: ";
  }
  return connect_action + " (" + attempt_ip + "): ";
}

// Where a connection attempt stands, for a timeout's message.
std::string Client::State::stage() const {
  const int fd = mosquitto_socket(mosq);
  if (fd < 0 || inert) return "no connection";
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return "no TCP connection to " + attempt_ip;
  if (tls) {
    auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq));
    if (ssl && !SSL_is_init_finished(ssl)) return "TCP connected to " + attempt_ip + ", TLS handshake unfinished";
  }
  return "TCP connected to " + attempt_ip + ", no CONNACK";
}

// Drops the socket libmosquitto has, whatever it is doing (see the top of the file).
void Client::State::abort_socket() {
  watch.stop();
  watched_fd = -1;
  keepalive_timer.stop();
  const int fd = mosquitto_socket(mosq);
  if (fd < 0 || inert) return;
  // A std::array, not int[2]: GCC 12 at -O3 takes the pipe2() array for a dangling pointer
  // (-Wdangling-pointer, a false positive that broke the release build).
  std::array<int, 2> ends{-1, -1};
  if (::pipe2(ends.data(), O_CLOEXEC | O_NONBLOCK) == 0) {
    ::close(ends[1]);
    ::dup3(ends[0], fd, O_CLOEXEC);  // closes the TCP socket; fd now reads end of file
    ::close(ends[0]);
  } else {
    ::shutdown(fd, SHUT_RDWR);
  }
  {
    mosquitto_loop_read(mosq, 1);  // sees end of file and closes fd (on_disconnect)
  }
  // Mid-TLS-handshake libmosquitto keeps the fd until the next connect or mosquitto_destroy.
  inert = mosquitto_socket(mosq) >= 0;
}

void Client::State::lost(const std::string& why) {
  last_error = "connection to MQTT broker " + broker + " lost: " + why;
  unwritten = 0;
  room.wake_all();
  phase = reconnecting && opt.reconnect ? Phase::offline : Phase::idle;
  keepalive_timer.stop();
  // QoS 0 messages not yet written are gone with the socket; QoS 1/2 ones are sent again after
  // a reconnection - unless there will be none.
  for (auto it = publishes.begin(); it != publishes.end();) {
    Publish& p = it->second;
    if (p.qos == 0) {
      it = publishes.erase(it);  // libmosquitto drops the packets not yet written
      continue;
    }
    if (p.waiter && (p.qos == 0 || phase == Phase::idle)) {
      p.failed = true;
      pd::wake(p.waiter);
    }
    ++it;
  }
  changes.wake_all();
}

void Client::State::attempt(TimePoint deadline, Duration timeout) {
  phase = Phase::connecting;
  changes.wake_all();
  struct Restore {
    State& s;
    bool ok = false;
    ~Restore() {
      if (ok) return;
      s.abort_socket();
      if (s.phase == Phase::connecting || s.phase == Phase::connected)
        s.phase = s.reconnecting ? Phase::offline : Phase::idle;
      s.changes.wake_all();
    }
  } restore{*this};
  std::vector<Address> addresses;
  try {
    addresses = pinfiber::resolve(host, port, AF_UNSPEC, remaining(deadline));
  } catch (const TimeoutError&) {
    throw TimeoutError(connect_action, seconds_text(timeout) + " (resolving '" + host + "')");
  } catch (const Error& e) {
    throw MqttError(e.code().value() ? e.code().value() : EHOSTUNREACH, connect_action + ": " + e.what());
  }
  std::exception_ptr failure;
  for (const Address& a : addresses) {
    if (try_address(a, deadline, timeout)) {
      restore.ok = true;
      return;
    }
    failure = attempt_error;
    if (attempt_final) break;
  }
  std::rethrow_exception(failure);
}

// One address: true once connected; false when it failed (attempt_error says why); TimeoutError
// at the deadline.
bool Client::State::try_address(const Address& a, TimePoint deadline, Duration timeout) {
  attempt_over = false;
  attempt_error = nullptr;
  attempt_final = false;
  tcp_up = false;
  attempt_ip = a.to_string();
  if (tls) tls->reset_failure();
  const auto keepalive = std::chrono::duration_cast<std::chrono::seconds>(opt.keepalive.duration()).count();
  int rc;
  int err;
  {
    rc = mosquitto_connect_async(mosq, a.host().c_str(), port, static_cast<int>(keepalive));
    err = errno;
  }
  socket_renewed = true;
  inert = false;
  if (rc != MOSQ_ERR_SUCCESS) {
    if (rc == MOSQ_ERR_ERRNO) {
      fail_attempt(
          std::make_exception_ptr(MqttError(err, connect_action + " (" + attempt_ip + "): " + std::strerror(err))),
          false);
    } else if (rc == MOSQ_ERR_TLS) {
      fail_attempt(std::make_exception_ptr(MqttError(
                       EPROTO, connect_action + ": TLS handshake failed: " + (tls ? tls->failure() : "TLS error"))),
                   true);
    } else {
      fail_attempt(std::make_exception_ptr(MqttError(connect_action + ": " + mosquitto_strerror(rc))), true);
    }
    update_watch();
    return false;
  }
  update_watch();
  struct Abandon {  // a kill or a Timeout while waiting: the socket goes
    State& s;
    bool armed = true;
    ~Abandon() {
      if (!armed) return;
      s.attempt_over = true;
      s.abort_socket();
    }
  } abandon{*this};
  const bool answered = changes.wait({"an MQTT CONNACK"}, deadline, [&] { return attempt_over; });
  abandon.armed = false;
  if (!answered) {
    const std::string where = stage();
    attempt_over = true;
    abort_socket();
    throw TimeoutError(connect_action, seconds_text(timeout) + " (" + where + ")");
  }
  if (phase == Phase::connected) return true;
  abort_socket();
  return false;
}

void Client::State::start_supervisor() {
  if (supervisor && !supervisor.dead()) return;
  supervisor = spawn_with(SpawnOptions{.name = "mqtt reconnect " + broker}, [this] { supervise(); });
}

// The reconnecting greenlet: waits for the connection to be lost, then tries again after
// reconnect_min, doubling the wait after each failure up to reconnect_max (paho's schedule; no
// jitter, so that a test can predict it).
void Client::State::supervise() {
  for (;;) {
    changes.wait({"the MQTT connection to be lost"}, TimePoint::max(), [&] { return phase == Phase::offline; });
    Duration delay = opt.reconnect_min;
    while (phase == Phase::offline) {
      pinfiber::sleep(delay);
      if (phase != Phase::offline) break;
      try {
        attempt(deadline_in(opt.connect_timeout), opt.connect_timeout);
      } catch (const Error& e) {
        last_error = e.what();
        delay = std::min<Duration>(delay * 2, opt.reconnect_max);
      }
    }
  }
}

void Client::State::send_subscribe(Subscription& sub) {
  int mid = 0;
  if (mosquitto_subscribe(mosq, &mid, sub.filter.c_str(), sub.qos) == MOSQ_ERR_SUCCESS) sub.mid = mid;
}

// ---------------------------------------------------------------------------------------------
// Received messages.

void Client::State::consumed() {
  if (unconsumed > 0) --unconsumed;
  if (reading_paused && unconsumed < opt.max_incoming) {
    reading_paused = false;
    read_some();  // TLS may hold decrypted bytes the socket no longer signals
    update_watch();
  }
}

// The handlers' greenlet; a handler that throws ends it (the hub reports the failure), and a fresh
// one takes the messages that follow.
void Client::State::dispatch() {
  dispatcher = spawn_with(SpawnOptions{.name = "mqtt messages of " + broker}, [this, q = to_handlers] {
    for (;;) {
      Message m = q->get();
      struct Done {
        State* s;
        ~Done() { s->consumed(); }
      } done{this};
      // A copy: a handler may add handlers.
      const auto hs = handlers;
      for (const auto& [filter, handler] : hs) {
        bool match = false;
        if (mosquitto_topic_matches_sub(filter.c_str(), m.topic.c_str(), &match) != MOSQ_ERR_SUCCESS || !match)
          continue;
        try {
          handler(m);
        } catch (...) {
          // The messages behind this one get a fresh greenlet (this one ends with the exception).
          if (!is_greenlet_exit(std::current_exception()) && !closing_down && !q->empty()) dispatch();
          throw;
        }
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The client.

Client::Client(std::string host, std::uint16_t port, ClientOptions options)
    : s_(std::make_unique<State>(std::move(host), port, std::move(options))) {}

Client::~Client() = default;

const std::string& Client::broker() const { return s_->broker; }
std::string Client::last_error() const { return s_->last_error; }
bool Client::connected() const { return s_->phase == Phase::connected; }
std::size_t Client::queued() const { return s_->queued; }

void Client::connect(TimeSpan timeout) {
  State& s = *s_;
  const Duration t = timeout.duration() == object_timeout ? s.opt.connect_timeout.duration() : timeout.duration();
  const TimePoint deadline = deadline_in(t);
  if (s.phase == Phase::connected) return;
  if (!s.inbox || s.inbox->is_shutdown()) s.inbox = std::make_shared<Queue<Message>>();
  if (s.phase == Phase::connecting || s.phase == Phase::offline) {
    // Another greenlet (or the reconnecting one) is at it: wait for its outcome.
    if (!s.changes.wait({"an MQTT connection"}, deadline, [&] { return s.phase == Phase::connected; })) {
      throw TimeoutError(s.connect_action,
                         seconds_text(t) + (s.last_error.empty() ? "" : " (last error: " + s.last_error + ")"));
    }
    return;
  }
  try {
    s.attempt(deadline, t);
  } catch (const Error& e) {
    s.last_error = e.what();
    throw;
  }
  s.reconnecting = true;
  if (s.opt.reconnect) s.start_supervisor();
}

bool Client::wait_connected(TimeSpan timeout) {
  State& s = *s_;
  if (s.phase == Phase::connected) return true;
  if (s.phase == Phase::idle || s.phase == Phase::closing) {
    throw NotConnected("wait for a connection to MQTT broker " + s.broker +
                       ": the client is not connecting (call connect() first)");
  }
  const Duration t = timeout.duration() == object_timeout ? s.opt.timeout.duration() : timeout.duration();
  return s.changes.wait({"an MQTT connection"}, deadline_in(t), [&] { return s.phase == Phase::connected; });
}

void Client::disconnect(TimeSpan timeout) {
  State& s = *s_;
  const Duration t = timeout.duration() == object_timeout ? s.opt.timeout.duration() : timeout.duration();
  const TimePoint deadline = deadline_in(t);
  s.reconnecting = false;
  if (s.supervisor && !s.supervisor.dead() && s.supervisor.fiber() != pd::current_fiber()) s.supervisor.kill();
  if (s.phase == Phase::connected) {
    s.phase = Phase::closing;
    s.keepalive_timer.stop();
    {
      mosquitto_disconnect(s.mosq);  // written at once if the socket has room; then closed
    }
    s.update_watch();
    s.changes.wait({"the MQTT DISCONNECT to be sent"}, deadline, [&] { return mosquitto_socket(s.mosq) < 0; });
  }
  s.attempt_over = true;  // an attempt under way in another greenlet ends here
  s.abort_socket();
  s.phase = Phase::idle;
  for (auto it = s.publishes.begin(); it != s.publishes.end();) {
    if (it->second.qos == 0) {
      it = s.publishes.erase(it);  // not written: gone with the socket
      continue;
    }
    if (it->second.waiter) {
      it->second.failed = true;
      pd::wake(it->second.waiter);
    }
    ++it;
  }
  s.unwritten = 0;
  s.room.wake_all();
  if (s.inbox) s.inbox->shutdown();
  s.changes.wake_all();
}

void Client::publish(std::string_view topic, std::string_view payload, int qos, bool retain, TimeSpan timeout) {
  State& s = *s_;
  const std::string t(topic);
  const std::string action = "publish to '" + t + "' on MQTT broker " + s.broker;
  check_qos(qos, action);
  if (payload.size() > 268435455) throw MqttError(EMSGSIZE, action + ": payload over MQTT's 256 MiB");
  const Duration limit = timeout.duration() == object_timeout ? s.opt.timeout.duration() : timeout.duration();
  const TimePoint deadline = deadline_in(limit);
  if (qos == 0 && s.phase != Phase::connected) {
    throw NotConnected(action + ": not connected (QoS 0 messages are not queued while the connection is down)");
  }
  if (s.phase == Phase::idle || s.phase == Phase::closing) {
    throw NotConnected(action + ": not connected (call connect() first)");
  }
  if (qos > 0 && s.queued >= s.opt.max_queued) {
    throw QueueFull(action + ": " + std::to_string(s.queued) +
                    " messages already wait for the broker's acknowledgement (ClientOptions::max_queued)");
  }
  if (qos == 0 && s.unwritten >= kMaxUnwritten) {
    // Like a socket's send buffer: a bounded number of QoS 0 messages wait to be written.
    if (!s.room.wait({"room for an MQTT publish"}, deadline,
                     [&] { return s.unwritten < kMaxUnwritten || s.phase != Phase::connected; })) {
      throw TimeoutError(action, seconds_text(limit) + " waiting for the socket to take earlier messages");
    }
    if (s.phase != Phase::connected) throw NotConnected(action + ": the connection was lost");
  }
  int rc;
  {
    s.publishing = true;
    s.written_at_once = false;
    rc = mosquitto_publish(s.mosq, &s.publishing_mid, t.c_str(), static_cast<int>(payload.size()), payload.data(), qos,
                           retain);
    s.publishing = false;
  }
  const int mid = s.publishing_mid;
  switch (rc) {
    case MOSQ_ERR_SUCCESS: break;
    case MOSQ_ERR_NO_CONN:
    case MOSQ_ERR_ERRNO:
    case MOSQ_ERR_CONN_LOST:
      // A QoS 1/2 message is in libmosquitto's queue whatever the socket did: it goes after the
      // reconnection. The socket itself is broken if it was up.
      if (s.phase == Phase::connected) s.abort_socket();
      if (qos == 0) throw NotConnected(action + ": the connection was lost");
      break;
    case MOSQ_ERR_INVAL: throw MqttError(EINVAL, action + ": invalid topic (no wildcards, no empty topic)");
    case MOSQ_ERR_MALFORMED_UTF8: throw MqttError(EINVAL, action + ": the topic is not valid UTF-8");
    case MOSQ_ERR_PAYLOAD_SIZE:
    case MOSQ_ERR_OVERSIZE_PACKET: throw MqttError(EMSGSIZE, action + ": " + mosquitto_strerror(rc));
    default: throw MqttError(action + ": " + mosquitto_strerror(rc));
  }
  s.update_watch();
  if (qos == 0) {
    if (!s.written_at_once) {
      s.publishes[mid].qos = 0;  // on_publish counts it written
      ++s.unwritten;
    }
    return;
  }
  auto [it, fresh] = s.publishes.try_emplace(mid);
  (void)fresh;
  it->second.qos = qos;
  it->second.waiter = pd::current_fiber();
  ++s.queued;
  // The entry outlives a publisher that stops waiting (timeout, kill): the acknowledgement still
  // comes and is counted.
  struct Leave {
    State& s;
    int mid;
    ~Leave() {
      auto it = s.publishes.find(mid);
      if (it == s.publishes.end()) return;
      if (it->second.done) {
        s.publishes.erase(it);
      } else {
        it->second.waiter = nullptr;
        it->second.failed = false;
      }
    }
  } leave{s, mid};
  const char* what = qos == 1 ? "an MQTT PUBACK" : "an MQTT PUBCOMP";
  State::Publish& p = it->second;
  const bool answered = pd::wait_until({what}, deadline, [&] { return p.done || p.failed; });
  if (p.done) return;
  if (p.failed) {
    throw NotConnected(action + ": the client was disconnected before the broker acknowledged it (it stays queued)");
  }
  (void)answered;
  throw TimeoutError(action, seconds_text(limit) +
                                 " waiting for the broker's acknowledgement; the message stays queued and is still "
                                 "delivered");
}

int Client::subscribe(std::string_view filter, int qos, TimeSpan timeout) {
  State& s = *s_;
  const std::string f(filter);
  const std::string action = "subscribe to '" + f + "' on MQTT broker " + s.broker;
  check_qos(qos, action);
  if (f.empty() || mosquitto_sub_topic_check(f.c_str()) != MOSQ_ERR_SUCCESS) {
    throw MqttError(EINVAL, action + ": invalid topic filter");
  }
  if (s.phase == Phase::idle || s.phase == Phase::closing)
    throw NotConnected(action + ": not connected (call connect() first)");
  const Duration limit = timeout.duration() == object_timeout ? s.opt.timeout.duration() : timeout.duration();
  for (auto it = s.subscriptions.begin(); it != s.subscriptions.end(); ++it) {
    if ((*it)->filter == f) {
      (*it)->removed = true;
      s.subscriptions.erase(it);
      break;
    }
  }
  auto sub = std::make_shared<State::Subscription>();
  sub->filter = f;
  sub->qos = qos;
  s.subscriptions.push_back(sub);
  if (s.phase == Phase::connected) {
    s.send_subscribe(*sub);
    s.update_watch();
  }  // else sent at the next CONNACK
  if (!s.changes.wait({"an MQTT SUBACK"}, deadline_in(limit), [&] { return sub->acked || sub->removed; })) {
    throw TimeoutError(action, seconds_text(limit) + " waiting for SUBACK; the subscription is still made");
  }
  if (sub->granted == 0x80) throw SubscribeRefused(action + ": refused by the broker (SUBACK 0x80)");
  if (sub->removed) throw MqttError(action + ": replaced or ended by another call meanwhile");
  return sub->granted;
}

void Client::unsubscribe(std::string_view filter, TimeSpan timeout) {
  State& s = *s_;
  const std::string f(filter);
  const std::string action = "unsubscribe from '" + f + "' on MQTT broker " + s.broker;
  if (f.empty() || mosquitto_sub_topic_check(f.c_str()) != MOSQ_ERR_SUCCESS) {
    throw MqttError(EINVAL, action + ": invalid topic filter");
  }
  for (auto it = s.subscriptions.begin(); it != s.subscriptions.end(); ++it) {
    if ((*it)->filter == f) {
      (*it)->removed = true;
      s.subscriptions.erase(it);
      break;
    }
  }
  s.changes.wake_all();
  if (s.phase != Phase::connected) return;  // nothing to renew at the next connection
  const Duration limit = timeout.duration() == object_timeout ? s.opt.timeout.duration() : timeout.duration();
  int mid = 0;
  {
    if (int rc = mosquitto_unsubscribe(s.mosq, &mid, f.c_str()); rc != MOSQ_ERR_SUCCESS) {
      throw MqttError(action + ": " + mosquitto_strerror(rc));
    }
  }
  s.update_watch();
  s.unsubscribes[mid] = false;
  struct Leave {
    State& s;
    int mid;
    ~Leave() { s.unsubscribes.erase(mid); }
  } leave{s, mid};
  if (!s.changes.wait({"an MQTT UNSUBACK"}, deadline_in(limit),
                      [&] { return s.unsubscribes[mid] || s.phase != Phase::connected; })) {
    throw TimeoutError(action, seconds_text(limit) + " waiting for UNSUBACK");
  }
}

Message Client::receive(TimeSpan timeout) {
  State& s = *s_;
  const std::string action = "receive a message from MQTT broker " + s.broker;
  auto inbox = s.inbox;
  if (!inbox) throw NotConnected(action + ": not connected (call connect() first)");
  const Duration limit = timeout.duration() == object_timeout ? s.opt.timeout.duration() : timeout.duration();
  std::optional<Message> m;
  try {
    m.emplace(inbox->get(limit));
  } catch (const Empty&) {
    throw TimeoutError(action, seconds_text(limit));
  } catch (const QueueShutdown&) {
    throw NotConnected(action + ": the client was disconnected");
  }
  s.consumed();
  return std::move(*m);
}

std::optional<Message> Client::next_message() {
  auto inbox = s_->inbox;
  if (!inbox) return std::nullopt;
  std::optional<Message> m;
  try {
    m.emplace(inbox->get());
  } catch (const QueueShutdown&) {
    return std::nullopt;
  }
  s_->consumed();
  return m;
}

void Client::on_message(std::string filter, MessageHandler handler) {
  if (filter.empty() || mosquitto_sub_topic_check(filter.c_str()) != MOSQ_ERR_SUCCESS) {
    throw MqttError(
        EINVAL, "add a message handler for '" + filter + "' on MQTT broker " + s_->broker + ": invalid topic filter");
  }
  s_->handlers.emplace_back(std::move(filter), std::move(handler));
}

}  // namespace pinfiber::mqtt
