#pragma once
// The errors of the MQTT client. Each what() names the broker and what was attempted, then the cause:
//   "connect to MQTT broker 127.0.0.1:1883 as 'doorbell': refused: bad user name or password (CONNACK 4)"
//   "connect to MQTT broker 127.0.0.1:8883: TLS handshake failed: certificate verify failed (self-signed ...)"
//   "publish to 'doorbell/led' on MQTT broker pi.lan:1883: not connected (QoS 0 messages are not queued)"
// A connect that runs past its timeout throws pinfiber::TimeoutError, saying how far it got ("no
// CONNACK", "TLS handshake unfinished", "no TCP connection"); a broker that closes or resets the TCP
// connection is an MqttError carrying the errno (ECONNREFUSED, ECONNRESET) in code().

#include <string>
#include <system_error>

#include "pinfiber/error.hpp"
#include "pinfiber/sync/errors.hpp"

namespace pinfiber::mqtt {

/// Any failure of the MQTT client. code() is the errno of an OS failure (ECONNREFUSED...), else zero.
class MqttError : public Error {
 public:
  /// what() is exactly `what`; code() is zero.
  explicit MqttError(const std::string& what) : Error(what) {}
  /// what() is exactly `what`; code() is `err` (an errno value).
  MqttError(int err, const std::string& what)
      : Error(Verbatim{}, std::error_code(err, std::generic_category()), what) {}
};

/// The broker answered CONNECT with a refusal (CONNACK return code 1-5): unacceptable protocol
/// version, identifier rejected, server unavailable, bad user name or password, not authorised.
class ConnectionRefused : public MqttError {
 public:
  ConnectionRefused(int return_code, const std::string& what) : MqttError(what), return_code_(return_code) {}
  /// The CONNACK return code (MQTT 3.1.1: 4 = bad user name or password, 5 = not authorised).
  int return_code() const { return return_code_; }

 private:
  int return_code_;
};

/// The operation needs a connection the client does not have: connect() was never called or
/// disconnect() was, or a QoS 0 publish while the connection is down (QoS 0 is never queued).
class NotConnected : public MqttError {
 public:
  using MqttError::MqttError;
};

/// The broker refused a subscription (SUBACK 0x80): usually an access control list.
class SubscribeRefused : public MqttError {
 public:
  using MqttError::MqttError;
};

/// A QoS 1/2 publish found the bound of messages awaiting the broker's acknowledgement reached
/// (ClientOptions::max_queued), typically after a long time offline. Nothing was queued. A
/// pinfiber::Full, as a full Queue's put_nowait() throws.
class QueueFull : public Full {
 public:
  using Full::Full;
};

}  // namespace pinfiber::mqtt
