// The input devices on the mock board, on the paused clock: DistanceSensor against a mock HC-SR04
// (echo widths measured from the edges' timestamps, exact to the nanosecond; medians, ranges, waits
// and handlers; a missing echo), MotionSensor and LineSensor (gpiozero's queues and thresholds),
// RotaryEncoder (quadrature steps both ways, bounce, clamping and wrapping).

#include <gtest/gtest.h>

#include <pinfiber/core.hpp>
#include <pinfiber/devices.hpp>
#include <pinfiber/testing.hpp>
#include <vector>

using namespace std::chrono_literals;
using namespace pinfiber::devices;

namespace {
// Half a nanosecond of sound's round trip, in metres: the mock HC-SR04's rounding of its echo.
constexpr double kNs = 343.26 * 0.5e-9 / 2;

class InputDevicesTest : public pinfiber::testing::GpioTest {
 protected:
  // One detent of the encoder on pins a, b (idle high): the Gray sequence one way, 1 ms apart.
  void turn(unsigned a, unsigned b, bool clockwise) {
    const unsigned first = clockwise ? a : b, second = clockwise ? b : a;
    for (auto [p, level] : {std::pair{first, false}, {second, false}, {first, true}, {second, true}}) {
      pin(p).drive(level);
      pinfiber::sleep(1ms);
    }
  }
};
}  // namespace

TEST_F(InputDevicesTest, DistanceSensorMeasuresTheEchoWidthExactly) {
  MockHcSr04 hc(pin(23), pin(24), 0.5);
  DistanceSensor sensor(24, 23);
  // 9 readings, one every 60 ms: the first full queue after 8 * 60 ms and one echo. (The mock
  // rounds its echo to whole nanoseconds: kNs of distance.)
  EXPECT_NEAR(sensor.distance(), 0.5, kNs);
  const auto width = *sensor.last_echo();
  // 2 * 0.5 m / 343.26 m/s = 2913.2 us: the mock's pulse, measured to the nanosecond (goal: 1 us).
  EXPECT_EQ(width, pinfiber::Duration(2913244));
  EXPECT_EQ(hc.triggers(), 9u);
  EXPECT_EQ(hc.short_triggers(), 0u);
  EXPECT_EQ(sensor.triggers(), 9u);
  EXPECT_EQ(sensor.missed_echoes(), 0u);
  EXPECT_NEAR(sensor.value(), 0.5, kNs);
  EXPECT_FALSE(sensor.in_range());
}

TEST_F(InputDevicesTest, EchoWidthErrorStaysBelowAMicrosecondAcrossTheRange) {
  MockHcSr04 hc(pin(23), pin(24));
  DistanceSensor sensor(24, 23, {.queue_len = 1, .max_distance = 4});
  for (double d : {0.02, 0.1, 0.377, 1.0, 2.5, 3.99}) {
    hc.set_distance(d);
    pinfiber::sleep(130ms);  // two cycles: the next reading is of the new distance
    const double expected_us = 2 * d / 343.26 * 1e6;
    const double measured_us = std::chrono::duration<double, std::micro>(*sensor.last_echo()).count();
    EXPECT_LE(std::abs(measured_us - expected_us), 1.0) << d;
    EXPECT_NEAR(sensor.distance(), d, 343.26 * 1e-6 / 2) << d;  // within 1 us of sound's round trip
  }
}

TEST_F(InputDevicesTest, DistanceIsTheMedianAndFarReadingsClampToMaxDistance) {
  MockHcSr04 hc(pin(23), pin(24), 0.2);
  DistanceSensor sensor(24, 23, {.queue_len = 3});
  EXPECT_NEAR(sensor.distance(), 0.2, kNs);
  hc.set_distance(3.0);                      // beyond max_distance 1 m; its echo is 17.5 ms long
  pinfiber::sleep(80ms);                     // the 4th reading, triggered at 180 ms, is done at 198 ms
  EXPECT_NEAR(sensor.distance(), 0.2, kNs);  // one far reading of three: the median ignores it
  pinfiber::sleep(60ms);                     // the 5th, from 240 ms
  EXPECT_DOUBLE_EQ(sensor.distance(), 1.0);
}

TEST_F(InputDevicesTest, WaitsAndHandlersForObstaclesComingAndGoing) {
  MockHcSr04 hc(pin(23), pin(24), 0.8);
  DistanceSensor sensor(24, 23, {.queue_len = 1});
  std::vector<std::pair<pinfiber::Duration, bool>> events;
  sensor.when_in_range([&] { events.emplace_back(since_start(), true); });
  sensor.when_out_of_range([&] { events.emplace_back(since_start(), false); });
  EXPECT_TRUE(sensor.wait_for_out_of_range(1s));
  EXPECT_FALSE(sensor.wait_for_in_range(500ms));
  hc.set_distance(0.1);
  EXPECT_TRUE(sensor.wait_for_in_range(1s));
  EXPECT_TRUE(sensor.in_range());
  hc.set_distance(0.5);
  EXPECT_TRUE(sensor.wait_for_out_of_range(1s));
  pinfiber::sleep(0);
  ASSERT_EQ(events.size(), 2u);  // the first reading sets the state without an event
  EXPECT_TRUE(events[0].second);
  EXPECT_FALSE(events[1].second);
  // A reading ends when its echo does: one interval plus the longer echo (0.5 m) minus the shorter (0.1 m).
  EXPECT_EQ(events[1].first - events[0].first, 60ms + pinfiber::Duration(2913244 - 582649));
}

TEST_F(InputDevicesTest, NoEchoReadsAsMaxDistanceAndATimeoutNamesTheSensor) {
  MockHcSr04 hc(pin(23), pin(24));
  hc.no_echo();
  DistanceSensor sensor(24, 23, {.queue_len = 2});
  EXPECT_DOUBLE_EQ(sensor.distance(), 1.0);
  EXPECT_EQ(sensor.missed_echoes(), 2u);
  EXPECT_FALSE(sensor.last_echo());
  DistanceSensor slow(6, 5, {.queue_len = 100});  // no module on 5/6 at all
  try {
    slow.distance(1s);
    FAIL() << "no error";
  } catch (const pinfiber::TimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find("HC-SR04 on line 6 on gpiochip0"), std::string::npos) << e.what();
  }
}

TEST_F(InputDevicesTest, DestroyingTheSensorLeavesTheTriggerLowAndTheLinesFree) {
  MockHcSr04 hc(pin(23), pin(24), 0.5);
  {
    DistanceSensor sensor(24, 23);
    pinfiber::sleep(5us);  // mid-trigger
    EXPECT_TRUE(pin(23).level());
  }
  EXPECT_FALSE(pin(23).level());
  EXPECT_FALSE(pin(23).requested());
  EXPECT_FALSE(pin(24).requested());
}

TEST_F(InputDevicesTest, MotionSensorSamplesTenTimesASecond) {
  MotionSensor pir(4);
  int motions = 0, stills = 0;
  pir.when_motion([&] { ++motions; });
  pir.when_no_motion([&] { ++stills; });
  EXPECT_FALSE(pir.motion_detected());
  const auto t0 = elapsed();
  pinfiber::spawn([&] {
    pinfiber::sleep(250ms);
    pin(4).drive_high();
  });
  EXPECT_TRUE(pir.wait_for_motion(1s));
  EXPECT_EQ(elapsed() - t0, 300ms);  // the next sample after the change
  EXPECT_TRUE(pir.motion_detected());
  pin(4).drive_low();
  EXPECT_TRUE(pir.wait_for_no_motion(1s));
  EXPECT_FALSE(pir.wait_for_motion(2s));
  pinfiber::sleep(0);
  EXPECT_EQ(motions, 1);
  EXPECT_EQ(stills, 1);
}

TEST_F(InputDevicesTest, LineSensorAveragesFiveSamplesAndALineIsLow) {
  pin(17).drive_high();  // a light floor
  LineSensor eye(17);
  EXPECT_FALSE(eye.line_detected());
  EXPECT_EQ(eye.samples(), 5u);  // waited for a full queue
  int lines = 0;
  eye.when_line([&] { ++lines; });
  // A 20 ms glitch low is two samples of five: the mean stays above the threshold.
  pin(17).drive_low();
  pinfiber::sleep(20ms);
  pin(17).drive_high();
  pinfiber::sleep(100ms);
  EXPECT_EQ(lines, 0);
  pin(17).drive_low();
  const auto t0 = elapsed();
  EXPECT_TRUE(eye.wait_for_line(1s));
  // Three low samples of five make the mean 0.4: the one due now (the sampler runs after this
  // greenlet at an instant both wake at), and two more.
  EXPECT_EQ(elapsed() - t0, 20ms);
  pinfiber::sleep(0);
  EXPECT_EQ(lines, 1);
  EXPECT_TRUE(eye.line_detected());
}

TEST_F(InputDevicesTest, SensorOptionsAreChecked) {
  EXPECT_THROW(MotionSensor(4, {.queue_len = 0}), pinfiber::Error);
  EXPECT_THROW(LineSensor(4, {.threshold = 2}), pinfiber::Error);
  EXPECT_FALSE(pin(4).requested());
}

TEST_F(InputDevicesTest, RotaryEncoderCountsDetentsBothWays) {
  pin(20).drive_high();
  pin(21).drive_high();
  RotaryEncoder knob(20, 21, {.max_steps = 4});
  int cw = 0, ccw = 0, any = 0;
  knob.when_rotated_clockwise([&] { ++cw; });
  knob.when_rotated_counter_clockwise([&] { ++ccw; });
  knob.when_rotated([&] { ++any; });
  turn(20, 21, true);
  turn(20, 21, true);
  EXPECT_EQ(knob.steps(), 2);
  EXPECT_DOUBLE_EQ(knob.value(), 0.5);
  turn(20, 21, false);
  EXPECT_EQ(knob.steps(), 1);
  for (int i = 0; i < 6; ++i) turn(20, 21, true);
  EXPECT_EQ(knob.steps(), 4);  // clamped at max_steps
  pinfiber::sleep(0);
  EXPECT_EQ(cw, 8);
  EXPECT_EQ(ccw, 1);
  EXPECT_EQ(any, 9);
}

TEST_F(InputDevicesTest, RotaryEncoderIgnoresBounceAndHalfTurns) {
  pin(20).drive_high();
  pin(21).drive_high();
  RotaryEncoder knob(20, 21);
  // A bounce on A: down and up again, twice; then half a detent and back.
  for (bool l : {false, true, false, true}) {
    pin(20).drive(l);
    pinfiber::sleep(1ms);
  }
  for (auto [p, l] : {std::pair{20u, false}, {21u, false}, {21u, true}, {20u, true}}) {
    pin(p).drive(l);
    pinfiber::sleep(1ms);
  }
  EXPECT_EQ(knob.steps(), 0);
  turn(20, 21, false);
  EXPECT_EQ(knob.steps(), -1);
}

TEST_F(InputDevicesTest, RotaryEncoderWrapsAndWaits) {
  pin(20).drive_high();
  pin(21).drive_high();
  RotaryEncoder dial(20, 21, {.max_steps = 2, .wrap = true});
  dial.set_steps(2);
  turn(20, 21, true);
  EXPECT_EQ(dial.steps(), -2);  // past one end is the other
  auto w = pinfiber::spawn([&] { return dial.wait_for_rotate_counter_clockwise(1s); });
  pinfiber::sleep(1ms);
  turn(20, 21, true);  // the wrong way: the waiter keeps waiting
  turn(20, 21, false);
  EXPECT_TRUE(w.get());
  EXPECT_EQ(dial.steps(), -2);
  EXPECT_FALSE(dial.wait_for_rotate(100ms));
}
