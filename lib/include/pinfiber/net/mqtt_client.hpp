#pragma once
// An MQTT 3.1.1 client whose calls park only the calling greenlet: libmosquitto's protocol engine
// driven by the hub (its socket is a watch on the hub's event loop, its keepalive a hub timer), never
// a thread of its own and never a blocking call on the hub. The broker's name is resolved with
// pinfiber's c-ares resolver, and the TCP connection and the TLS handshake are non-blocking too.
//
//   pinfiber::mqtt::Client mqtt("broker.lan", 1883, {.client_id = "doorbell", .will = {{"doorbell/status",
//   "offline"}}}); mqtt.connect();                                            // until CONNACK (or a clear error)
//   mqtt.publish("doorbell/status", "online", 1, true);        // until PUBACK
//   mqtt.subscribe("doorbell/led/set", 1);                     // until SUBACK
//   for (const pinfiber::mqtt::Message& m : mqtt.messages()) set_led(m.payload == "ON");
//
// Link pinfiber::mqtt (CMake) or -lpinfiber_mqtt: a separate library, so programs without MQTT
// need neither libmosquitto nor OpenSSL. While a Client exists, SIGPIPE is blocked in its thread
// (libmosquitto's writes to a broker that is gone fail with EPIPE instead of killing the program).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/net/mqtt_errors.hpp"
#include "pinfiber/net/mqtt_message.hpp"
#include "pinfiber/net/mqtt_options.hpp"

namespace pinfiber::mqtt {

/// Receives messages matching a handler's filter, in a greenlet (see Client::on_message).
using MessageHandler = std::function<void(const Message&)>;

/// A connection to one MQTT broker, owned by one hub (thread). Any number of greenlets of that hub
/// may publish, subscribe and receive at once.
///
/// Messages received go to the handlers whose filter matches (on_message); the others wait for
/// receive() or iteration over messages(), in the order they arrived.
class Client {
 public:
  /// A client for the broker at `host` (a name or a numeric address) and `port` (0: 1883, or 8883
  /// with TLS). Connects nothing yet. Throws MqttError for options that make no sense (a keepalive
  /// out of range, a will with a wildcard topic, a persistent session without a client_id) and for
  /// TLS files that cannot be loaded ("load TLS CA file '/etc/ca.pem' for MQTT broker ...: ...").
  explicit Client(std::string host, std::uint16_t port = 0, ClientOptions options = {});
  /// Disconnects (a DISCONNECT if the socket takes it at once, so the broker does not publish the
  /// will), stops the client's greenlets and closes the socket. Never blocks.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Connects: resolves the host, opens TCP (and TLS), sends CONNECT with the options' identity,
  /// credentials and will, and blocks the calling greenlet until the broker's CONNACK, trying each
  /// address of the host in turn, up to `timeout` (default: options' connect_timeout) in all. With
  /// options.reconnect, the client then reconnects by itself whenever the connection is lost.
  /// Throws ConnectionRefused (CONNACK 1-5, e.g. bad user name or password), MqttError (TLS
  /// handshake failed - with OpenSSL's reason - , connection refused, reset or closed before
  /// CONNACK, a name that does not resolve), TimeoutError (saying how far it got), the caller's
  /// interrupts. Calling it while connected does nothing.
  void connect(TimeSpan timeout = object_timeout);

  /// Sends DISCONNECT (the broker discards the will) and closes the connection, waiting up to
  /// `timeout` for the socket to take it; stops reconnecting. Ends iteration over messages() once the
  /// messages already received are taken. QoS 1/2 messages still unacknowledged stay queued and are
  /// sent again by a later connect(); publishers waiting for them get NotConnected. Never throws
  /// but the caller's interrupts; does nothing if not connected.
  void disconnect(TimeSpan timeout = object_timeout);

  /// True while a connection is up (CONNACK received and not lost since).
  bool connected() const;
  /// Blocks until connected (a reconnection, say) or `timeout` passes; returns connected().
  /// Throws NotConnected if the client is not trying to connect (never connected, or disconnected).
  bool wait_connected(TimeSpan timeout = object_timeout);

  /// Publishes `payload` to `topic` and blocks until it is delivered as far as its QoS promises:
  /// QoS 1 until the broker's PUBACK, QoS 2 until its PUBCOMP; QoS 0 returns once the client's send
  /// buffer took it, blocking only while 64 earlier QoS 0 messages wait to be written (as a socket's
  /// send() does), and such messages are lost with the connection, as QoS 0 allows. While
  /// the connection is down (reconnecting), QoS 1/2 messages are queued and sent after the
  /// reconnection - the call keeps waiting meanwhile - up to options' max_queued. A `timeout` only
  /// ends the wait (TimeoutError): the message stays queued and is still delivered. Throws NotConnected
  /// (QoS 0 while the connection is down; any QoS before connect() or after disconnect()),
  /// QueueFull, MqttError (a topic with wildcards or invalid UTF-8, QoS not 0-2, a payload over
  /// 256 MiB), TimeoutError, the caller's interrupts.
  void publish(std::string_view topic, std::string_view payload, int qos = 0, bool retain = false,
               TimeSpan timeout = object_timeout);

  /// Subscribes to `filter` (wildcards + and # allowed) at `qos` and blocks until the broker's
  /// SUBACK; returns the QoS the broker granted. Messages may arrive before it returns. The
  /// subscription is renewed after every reconnection (unless the broker kept the session). Called
  /// while a connection is being made, it is sent once connected. Throws SubscribeRefused (SUBACK
  /// 0x80), MqttError (an invalid filter, QoS not 0-2), NotConnected (before connect() or after
  /// disconnect()), TimeoutError (the subscription stays registered and is still made), the
  /// caller's interrupts.
  int subscribe(std::string_view filter, int qos = 0, TimeSpan timeout = object_timeout);
  /// Unsubscribes from `filter` and blocks until the broker's UNSUBACK (at once when not connected).
  /// Throws MqttError for an invalid filter, TimeoutError, the caller's interrupts.
  void unsubscribe(std::string_view filter, TimeSpan timeout = object_timeout);

  /// Takes the next received message that no handler took, blocking until one arrives or `timeout`
  /// passes. Throws TimeoutError, NotConnected once disconnect() was called and nothing is left, the
  /// caller's interrupts.
  Message receive(TimeSpan timeout = object_timeout);

  /// Iteration over received messages (those no handler takes), each step a receive() without
  /// timeout; it ends once disconnect() was called and the messages already received are taken.
  ///   for (const Message& m : client.messages()) ...
  class Messages;
  Messages messages();

  /// Runs `handler` for every message whose topic matches `filter` (MQTT wildcards), in a greenlet
  /// of the client's ("mqtt messages of <client>"), one message at a time in arrival order, each
  /// message to every matching handler in the order they were added. A handler that blocks holds
  /// up the messages behind it (spawn for long work). An exception escaping a handler is reported as
  /// a greenlet failure and the next message gets a fresh greenlet. It does not subscribe:
  /// call subscribe() too. Never blocks.
  void on_message(std::string filter, MessageHandler handler);

  /// QoS 1/2 messages accepted by publish() and not yet acknowledged by the broker.
  std::size_t queued() const;
  /// "host:port", as in error messages.
  const std::string& broker() const;
  /// Why the last connection attempt or connection failed (empty if none did): what a reconnecting
  /// client is up against.
  std::string last_error() const;

  struct State;

 private:
  std::optional<Message> next_message();
  std::unique_ptr<State> s_;
};

/// Input iteration over a client's received messages: see Client::messages().
class Client::Messages {
 public:
  class iterator {
   public:
    using value_type = Message;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(Client* c) : c_(c) { fetch(); }
    const Message& operator*() const { return *cur_; }
    const Message* operator->() const { return &*cur_; }
    iterator& operator++() {
      fetch();
      return *this;
    }
    void operator++(int) { fetch(); }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return !it.cur_; }

   private:
    void fetch() { cur_ = c_->next_message(); }
    Client* c_ = nullptr;
    std::optional<Message> cur_;
  };
  explicit Messages(Client* c) : c_(c) {}
  /// Blocks for the first message.
  iterator begin() { return iterator(c_); }
  std::default_sentinel_t end() { return {}; }

 private:
  Client* c_;
};

inline Client::Messages Client::messages() { return Messages(this); }

}  // namespace pinfiber::mqtt
