// The weather station example with --mqtt against a real broker, mosquitto_sub watching: its
// availability, and each reading as a retained JSON state whose numbers are the simulated air's.

#include <gmock/gmock.h>

#include "example_programs.hpp"
#include "net/broker.hpp"

using ::testing::HasSubstr;

class WeatherStationMqttTest : public MqttTest {};

TEST_F(WeatherStationMqttTest, PublishesEachReadingAndItsAvailability) {
  const std::string program = pinfiber_test::example_path("weather_station");
  if (program.empty()) GTEST_SKIP() << "examples not built";
  mqtt_test::Broker broker;
  mqtt_test::Sub sub(broker.port(), {"-t", "weather_station/#", "-q", "1"});
  ASSERT_TRUE(sub.subscribed());
  // The simulated sensors on the real clock, a reading every 0.3 s: three of them, then it ends.
  pinfiber::Subprocess station(pinfiber_test::command(program, {"--mock", "--interval", "0.3", "--mqtt",
                                                                "127.0.0.1:" + std::to_string(broker.port())}),
                               {.in = pinfiber::Stdio::null});
  auto out = pinfiber::spawn([&] { return station.read_all_out(60s); });
  auto err = pinfiber::spawn([&] { return station.read_all_err(60s); });
  std::vector<std::string> lines;
  const auto next = [&] {
    lines.push_back(sub.message(20s).value_or("<nothing>"));
    return lines.back();
  };
  EXPECT_EQ(next(), "weather_station/status online");
  // The simulated air: 19.5 degC, 1008 hPa, 52 %RH, then +0.25 degC, -0.5 hPa, +1 %RH per reading.
  EXPECT_THAT(next(),
              HasSubstr(R"(weather_station/state {"temperature": 19.50, "pressure": 1008.00, "humidity": 52.0)"));
  EXPECT_THAT(next(),
              HasSubstr(R"(weather_station/state {"temperature": 19.75, "pressure": 1007.50, "humidity": 53.0)"));
  EXPECT_THAT(next(),
              HasSubstr(R"(weather_station/state {"temperature": 20.00, "pressure": 1007.00, "humidity": 54.0)"));
  EXPECT_EQ(next(), "weather_station/status offline");
  const auto status = station.wait(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << status->to_string() << "\n" << err.get();
  EXPECT_THAT(out.get(), HasSubstr("status port says: T 20.00 C"));
  // A dashboard that starts later sees the last reading and the availability, retained.
  mqtt_test::Sub late(broker.port(), {"-t", "weather_station/state", "-C", "1"});
  EXPECT_THAT(late.message(10s).value_or(""), HasSubstr(R"("temperature": 20.00)"));
}
