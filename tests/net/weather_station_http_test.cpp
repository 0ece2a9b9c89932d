// The weather station example with --http, queried with pinfiber's HTTP client while it runs on the
// simulated sensors: the latest reading as text and as JSON, then SIGTERM ends it cleanly.

#include <gmock/gmock.h>
#include <signal.h>

#include "example_programs.hpp"
#include "net/http_fixture.hpp"

using ::testing::HasSubstr;
using namespace std::chrono_literals;

namespace {

// A port nobody listens on right now (bound to 0 and released).
std::uint16_t free_port() {
  auto s = pinfiber::Socket::tcp();
  s.bind(pinfiber::Address::parse("127.0.0.1", 0));
  return s.local_address().port();
}

}  // namespace

class WeatherStationHttpTest : public RealHttpTest {};

TEST_F(WeatherStationHttpTest, ServesTheLatestReadingAsTextAndJson) {
  const std::string program = pinfiber_test::example_path("weather_station");
  if (program.empty()) GTEST_SKIP() << "examples not built";
  const std::uint16_t port = free_port();
  pinfiber::Subprocess station(
      pinfiber_test::command(program, {"--mock", "--forever", "--interval", "0.2", "--http", std::to_string(port)}),
      {.in = pinfiber::Stdio::null});
  auto out = pinfiber::spawn([&] { return station.read_all_out(60s); });
  auto err = pinfiber::spawn([&] { return station.read_all_err(60s); });
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  // Until it listens and has a reading (bounded): before the first reading the state is {}.
  pinfiber::http::Response state;
  const auto deadline = pinfiber::Clock::now() + 20s;
  while (pinfiber::Clock::now() < deadline) {
    try {
      state = pinfiber::http::get(base + "/api/state", {.timeout = 2s});
      if (state.body.find("temperature") != std::string::npos) break;
    } catch (const pinfiber::Error&) {
      // not listening yet
    }
    pinfiber::sleep(50ms);
  }
  EXPECT_EQ(state.status, 200);
  // The simulated air's first reading, then 0.25 degC warmer each time: one of those.
  EXPECT_THAT(state.body,
              ::testing::MatchesRegex(R"(\{"temperature": (19|20)\.[0-9][05], "pressure": 100[78]\.[0-9]0, )"
                                      R"("humidity": 5[0-9]\.0, "pm1_0": [0-9]+, "pm2_5": [0-9]+, )"
                                      R"("pm10": [0-9]+\})"));
  const auto text = pinfiber::http::get(base + "/", {.timeout = 2s});
  EXPECT_EQ(text.status, 200);
  EXPECT_THAT(text.body, HasSubstr(" hPa  RH "));
  EXPECT_THAT(pinfiber::http::get(base + "/nothing", {.timeout = 2s}).status, 404);
  station.kill(SIGTERM);
  const auto status = station.wait(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << status->to_string() << "\n" << err.get();
  EXPECT_THAT(out.get(), HasSubstr("signal: stopping"));
}
