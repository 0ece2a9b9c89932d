#pragma once
// How an MQTT client connects: identity, credentials, last will, TLS, keepalive, reconnection and
// the bounds on what it keeps in memory.

#include <cstddef>
#include <optional>
#include <string>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::mqtt {

/// The last will: what the broker publishes for this client when its connection ends without a
/// DISCONNECT (a crash, a pulled plug, a keepalive that ran out).
struct Will {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

/// TLS to the broker (OpenSSL). The broker's certificate is checked against the CA certificates
/// given (else the system's) and, unless verify_hostname is false, against the host name given to
/// the Client - not the address it resolved to. The host name is also sent as SNI.
struct TlsOptions {
  /// PEM file of the CA certificates to trust (a self-signed CA, Let's Encrypt's...). Empty: the
  /// system's store (/etc/ssl/certs), unless ca_path is set.
  std::string ca_file;
  /// Directory of hashed CA certificates (c_rehash), as OpenSSL's CApath.
  std::string ca_path;
  /// Client certificate and key (PEM), for brokers that require one (require_certificate true).
  std::string cert_file;
  std::string key_file;
  /// Check that the certificate names the broker's host. Turn off only for a test broker.
  bool verify_hostname = true;
};

/// Options of a Client. Durations take std::chrono values or plain seconds.
struct ClientOptions {
  /// The client identifier. Empty: the broker assigns one (MQTT 3.1.1 allows it only with
  /// clean_session).
  std::string client_id;
  /// Start without the broker's stored session (subscriptions, queued QoS 1/2 messages). With
  /// false and a client_id, the broker keeps both while the client is away.
  bool clean_session = true;
  /// Credentials (password_file in mosquitto.conf); the password is sent only when the user name is.
  std::string username;
  std::string password;
  std::optional<Will> will;
  /// Set (even to TlsOptions{}) for TLS; the default port is then 8883 instead of 1883.
  std::optional<TlsOptions> tls;
  /// MQTT keepalive: the client pings when nothing was exchanged for this long, and gives the
  /// connection up when the broker does not answer within as much again. Whole seconds, 5 s to
  /// 65535 s, or 0 for none.
  TimeSpan keepalive = std::chrono::seconds(60);
  /// The whole of one connection attempt - name lookup, TCP, TLS handshake, CONNACK - and the
  /// default timeout of connect().
  TimeSpan connect_timeout = std::chrono::seconds(10);
  /// Default timeout of publish, subscribe, unsubscribe, receive and disconnect (default: none).
  TimeSpan timeout = forever;
  /// After a successful connect(), reconnect by itself when the connection is lost, waiting
  /// reconnect_min before the first try and doubling the wait after each failure up to
  /// reconnect_max. QoS 1/2 messages published meanwhile are queued (up to max_queued) and sent
  /// after the reconnection; subscriptions are renewed.
  bool reconnect = true;
  TimeSpan reconnect_min = std::chrono::seconds(1);
  TimeSpan reconnect_max = std::chrono::seconds(60);
  /// QoS 1/2 messages accepted by publish() and not yet acknowledged by the broker (PUBACK /
  /// PUBCOMP), online and offline; publish() throws QueueFull beyond it. At most 65535.
  std::size_t max_queued = 1000;
  /// QoS 1/2 messages sent before waiting for acknowledgements (libmosquitto's inflight window).
  int max_inflight = 20;
  /// Received messages not yet taken by receive(), iteration or handlers. At this bound the client
  /// stops reading the socket until they are taken, so a slow consumer slows the broker down
  /// instead of growing memory (a stall longer than 1.5 keepalive intervals costs the connection,
  /// which is then re-established).
  std::size_t max_incoming = 1000;
};

}  // namespace pinfiber::mqtt
