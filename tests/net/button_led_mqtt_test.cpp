// The main demo with --mqtt, run as a program against a real broker, with mosquitto_sub watching
// and mosquitto_pub sending it a command: the presses and the LED's state arrive (the state and the
// availability retained), a command sets the LED, and a clean stop says "offline".

#include <gmock/gmock.h>

#include <algorithm>

#include "example_programs.hpp"
#include "net/broker.hpp"

using ::testing::HasSubstr;

class ButtonLedMqttTest : public MqttTest {};

TEST_F(ButtonLedMqttTest, PublishesPressesAndStateAndObeysCommands) {
  const std::string program = pinfiber_test::example_path("button_led");
  if (program.empty()) GTEST_SKIP() << "examples not built";
  mqtt_test::Broker broker;
  mqtt_test::Sub sub(broker.port(), {"-t", "button_led/#", "-q", "1"});
  ASSERT_TRUE(sub.subscribed());
  // The mock board, on the real clock: the scripted finger presses three times, 1.5 s apart.
  pinfiber::Subprocess demo(
      pinfiber_test::command(program, {"--mock", "--mqtt", "127.0.0.1:" + std::to_string(broker.port())}),
      {.in = pinfiber::Stdio::null});
  auto out = pinfiber::spawn([&] { return demo.read_all_out(60s); });
  auto err = pinfiber::spawn([&] { return demo.read_all_err(60s); });

  std::vector<std::string> lines;
  const auto next = [&] {
    std::optional<std::string> l = sub.message(20s);
    lines.push_back(l.value_or("<nothing>"));
    return lines.back();
  };
  EXPECT_EQ(next(), "button_led/status online");
  EXPECT_EQ(next(), "button_led/led/state OFF");
  EXPECT_EQ(next(), "button_led/button pressed 1");
  EXPECT_EQ(next(), "button_led/led/state ON");
  EXPECT_EQ(next(), "button_led/led/state OFF");  // released
  mqtt_test::pub(broker.port(), {"-t", "button_led/led/set", "-q", "1", "-m", "ON"});
  EXPECT_EQ(next(), "button_led/led/set ON");
  EXPECT_EQ(next(), "button_led/led/state ON");  // obeyed
  while (lines.back() != "button_led/status offline" && lines.back() != "<nothing>") next();
  EXPECT_EQ(lines.back(), "button_led/status offline");
  EXPECT_THAT(lines, ::testing::Contains("button_led/button pressed 3"));

  const auto status = demo.wait(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << status->to_string() << "\n" << err.get();
  const std::string printed = out.get();
  EXPECT_THAT(printed, HasSubstr("mqtt: command from button_led/led/set: LED ON\nLED on (MQTT command)\n"));
  EXPECT_THAT(printed, HasSubstr("LED off, pins released, bye"));
  EXPECT_THAT(err.get(), HasSubstr("mqtt: connected to 127.0.0.1:" + std::to_string(broker.port())));

  // What a dashboard that starts later sees: the retained state and availability.
  mqtt_test::Sub late(broker.port(), {"-t", "button_led/status", "-t", "button_led/led/state", "-C", "2"});
  std::vector<std::string> retained{late.message(10s).value_or(""), late.message(10s).value_or("")};
  std::sort(retained.begin(), retained.end());
  EXPECT_THAT(retained, ::testing::ElementsAre("button_led/led/state OFF", "button_led/status offline"));
}
