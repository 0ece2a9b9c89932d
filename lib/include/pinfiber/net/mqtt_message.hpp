#pragma once
// One MQTT message as a subscriber receives it.

#include <string>

namespace pinfiber::mqtt {

/// A received message: its topic, its payload (any bytes, kept in a std::string), the QoS it was
/// delivered with and whether it is a retained message the broker replayed on subscribing.
struct Message {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

}  // namespace pinfiber::mqtt
