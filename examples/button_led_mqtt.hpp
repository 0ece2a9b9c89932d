#pragma once
// The main demo's MQTT side (button_led --mqtt host[:port]), wired the way Home Assistant and
// Node-RED users wire a Pi. Under the topic prefix (default "button_led"):
//   <prefix>/status      "online" (retained) once connected; "offline" (retained) on a clean stop, and
//                        as the last will when the Pi vanishes - Home Assistant's availability topic
//   <prefix>/led/state   "ON" / "OFF" (retained), whenever the LED changes
//   <prefix>/button      "pressed <n>" (QoS 1) for each press
//   <prefix>/led/set     commands: "ON", "OFF" or "TOGGLE" set the LED
// Publishing goes through a queue and a greenlet of its own, so the GPIO handlers never wait for
// the broker; while the broker is away the client reconnects by itself and QoS 1 messages wait.

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include "pinfiber/mqtt.hpp"
#include "pinfiber/pinfiber.hpp"

namespace button_led_mqtt {

class Bridge {
 public:
  /// Connects to `broker` ("host" or "host:port"); `set_led` is called for each command received.
  /// Throws the client's errors (a broker that is not there, refused...).
  Bridge(const std::string& broker, std::string prefix, std::function<void(bool)> set_led, std::function<bool()> lit)
      : prefix_(std::move(prefix)),
        client_(split(broker).first, split(broker).second,
                {.client_id = "button_led",
                 .will = pinfiber::mqtt::Will{prefix_ + "/status", "offline", 1, true},
                 .reconnect_max = std::chrono::seconds(30)}),
        lit_(std::move(lit)) {
    client_.on_message(prefix_ + "/led/set", [this, set_led = std::move(set_led)](const pinfiber::mqtt::Message& m) {
      std::optional<bool> on;
      if (m.payload == "ON" || m.payload == "on" || m.payload == "1") on = true;
      if (m.payload == "OFF" || m.payload == "off" || m.payload == "0") on = false;
      if (m.payload == "TOGGLE" || m.payload == "toggle") on = !lit_();
      if (!on) {
        std::fprintf(stderr, "button_led: mqtt: ignored command '%s' (ON, OFF or TOGGLE)\n", m.payload.c_str());
        return;
      }
      std::printf("mqtt: command from %s: LED %s\n", m.topic.c_str(), *on ? "ON" : "OFF");
      std::fflush(stdout);
      set_led(*on);
    });
    client_.connect(std::chrono::seconds(10));
    client_.subscribe(prefix_ + "/led/set", 1, std::chrono::seconds(10));
    std::fprintf(stderr, "button_led: mqtt: connected to %s, topics %s/#\n", client_.broker().c_str(), prefix_.c_str());
    outbox_.put({prefix_ + "/status", "online", true});
    led_changed(lit_());
    sender_ = pinfiber::spawn_with(pinfiber::SpawnOptions{.name = "mqtt sender"}, [this] { send(); });
  }
  /// Sends what is left (a shutdown() may have killed the sender already), says "offline" and
  /// disconnects cleanly; a few seconds at most.
  ~Bridge() {
    try {
      outbox_.shutdown();
      if (!sender_.dead() && !sender_.join(std::chrono::seconds(5))) sender_.kill();
      for (;;) {
        Out o = outbox_.get_nowait();
        client_.publish(o.topic, o.payload, 1, o.retain, std::chrono::seconds(2));
      }
    } catch (...) {
    }
    try {
      client_.publish(prefix_ + "/status", "offline", 1, true, std::chrono::seconds(2));
    } catch (...) {
    }
    try {
      client_.disconnect(std::chrono::seconds(2));
    } catch (...) {
    }
  }

  /// Called by the button's handler.
  void pressed(unsigned n) { post({prefix_ + "/button", "pressed " + std::to_string(n), false}); }
  /// Called whenever the LED changes.
  void led_changed(bool on) { post({prefix_ + "/led/state", on ? "ON" : "OFF", true}); }

 private:
  struct Out {
    std::string topic, payload;
    bool retain;
  };
  // "host", "host:port", "[v6]:port" or a bare IPv6 address.
  static std::pair<std::string, std::uint16_t> split(const std::string& broker) {
    if (!broker.empty() && broker.front() == '[') {
      const auto close = broker.find(']');
      const std::string host = broker.substr(1, close - 1);
      if (close + 1 < broker.size() && broker[close + 1] == ':') return {host, port(broker.substr(close + 2))};
      return {host, 1883};
    }
    const auto colon = broker.find(':');
    if (colon == std::string::npos || broker.find(':', colon + 1) != std::string::npos) return {broker, 1883};
    return {broker.substr(0, colon), port(broker.substr(colon + 1))};
  }
  static std::uint16_t port(const std::string& text) {
    const int p = std::atoi(text.c_str());
    if (p <= 0 || p > 65535) throw pinfiber::Error("--mqtt: bad port '" + text + "'");
    return static_cast<std::uint16_t>(p);
  }
  void post(Out o) {
    try {
      outbox_.put_nowait(std::move(o));
    } catch (const pinfiber::Error& e) {
      std::fprintf(stderr, "button_led: mqtt: not sent (%s)\n", e.what());
    }
  }
  void send() {
    for (Out& o : outbox_) {
      try {
        client_.publish(o.topic, o.payload, 1, o.retain, std::chrono::seconds(60));
      } catch (const pinfiber::Error& e) {
        std::fprintf(stderr, "button_led: mqtt: %s\n", e.what());
      }
    }
  }

  std::string prefix_;
  pinfiber::mqtt::Client client_;
  std::function<bool()> lit_;
  pinfiber::Queue<Out> outbox_{100};
  pinfiber::Greenlet<void> sender_;
};

}  // namespace button_led_mqtt
