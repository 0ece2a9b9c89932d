// The PWM devices (PwmLed, RgbLed, Servo, AngularServo, Motor) and Buzzer, gpiozero's semantics: the
// duty cycles they set and when, on a recording PWM output and end to end on a mock GPIO line; the
// fades of blink/pulse at 25 steps a second on the paused clock; everything off on exit.

#include <gtest/gtest.h>

#include <memory>
#include <pinfiber/bus.hpp>
#include <pinfiber/core.hpp>
#include <pinfiber/devices.hpp>
#include <pinfiber/testing.hpp>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace pinfiber::devices;

namespace {

// A PWM output that records each duty cycle set, with the hub's time, and outlives the device.
struct Record {
  std::vector<std::pair<pinfiber::Duration, double>> duties;
  pinfiber::Duration period{};
};

class RecordingPwm final : public pinfiber::bus::Pwm {
 public:
  RecordingPwm(Record& r, pinfiber::TimePoint t0, std::string name) : r_(r), t0_(t0), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  void set_period(pinfiber::Duration p) override { r_.period = p; }
  pinfiber::Duration period() const override { return r_.period; }
  void set_duty_cycle(double d) override {
    duty_ = d;
    r_.duties.emplace_back(pinfiber::Clock::now() - t0_, d);
  }
  double duty_cycle() const override { return duty_; }

 private:
  Record& r_;
  pinfiber::TimePoint t0_;
  std::string name_;
  double duty_ = 0;
};

class PwmDevicesTest : public pinfiber::testing::GpioTest {
 protected:
  std::unique_ptr<pinfiber::bus::Pwm> recording(Record& r, const char* name = "recording PWM") {
    return std::make_unique<RecordingPwm>(r, start_, name);
  }
};

using Duties = std::vector<std::pair<pinfiber::Duration, double>>;

}  // namespace

TEST_F(PwmDevicesTest, PwmLedEndToEndOnAMockLine) {
  {
    PwmLed led(17);
    EXPECT_EQ(led.frequency(), 100);
    led.set_value(0.3);
    EXPECT_TRUE(led.is_lit());
    pinfiber::sleep(25ms);
    // High 3 ms of each 10 ms period on the pin itself.
    int rises = 0;
    pinfiber::Duration high{};
    const auto& h = pin(17).history();
    for (std::size_t i = 0; i + 1 < h.size(); ++i) {
      if (h[i].level) ++rises, high += h[i + 1].at - h[i].at;
    }
    EXPECT_EQ(rises, 3);
    EXPECT_EQ(high, 3 * 3ms);
    led.on();  // from the next period's start, at 30 ms
    pinfiber::sleep(5ms);
    EXPECT_TRUE(pin(17).level());
    pin(17).clear_history();
    pinfiber::sleep(1s);
    EXPECT_TRUE(pin(17).history().empty());
  }
  EXPECT_FALSE(pin(17).level());  // off on exit, and the line free
  EXPECT_FALSE(pin(17).requested());
}

TEST_F(PwmDevicesTest, ValueOnOffToggleAndActiveLow) {
  Record r;
  PwmLed led(recording(r), {.active_high = false, .initial_value = 0.25, .frequency = 200});
  EXPECT_EQ(r.period, 5ms);
  led.toggle();
  EXPECT_DOUBLE_EQ(led.value(), 0.75);
  led.off();
  EXPECT_FALSE(led.is_lit());
  // Active low: the pin is low for the fraction the LED is lit.
  EXPECT_EQ(r.duties, (Duties{{0ms, 0.75}, {0ms, 0.25}, {0ms, 1.0}}));
  EXPECT_THROW(led.set_value(1.01), pinfiber::Error);
  EXPECT_THROW(led.set_value(-0.1), pinfiber::Error);
}

TEST_F(PwmDevicesTest, BlinkWithFadesStepsAtTwentyFivePerSecondAndEndsOff) {
  Record r;
  PwmLed led(recording(r));
  r.duties.clear();
  // 0.2 s fades: 5 steps of 40 ms each way; on 0.1 s, off 0.3 s; twice.
  led.blink(0.1, 0.3, 0.2, 0.2, 2);
  EXPECT_TRUE(led.is_blinking());
  pinfiber::sleep(2s);
  EXPECT_FALSE(led.is_blinking());
  Duties one;
  for (pinfiber::Duration base : {0ms, 800ms}) {
    for (int i = 0; i < 5; ++i) one.emplace_back(base + i * 40ms, i / 5.0);
    one.emplace_back(base + 200ms, 1.0);
    for (int i = 0; i < 5; ++i) one.emplace_back(base + 300ms + i * 40ms, 1.0 - i / 5.0);
    one.emplace_back(base + 500ms, 0.0);
  }
  one.emplace_back(1600ms, 0.0);  // the end: off
  ASSERT_EQ(r.duties.size(), one.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(r.duties[i].first, one[i].first) << i;
    EXPECT_NEAR(r.duties[i].second, one[i].second, 1e-12) << i;
  }
}

TEST_F(PwmDevicesTest, PulseRunsInTheBackgroundUntilAnotherCallStopsIt) {
  Record r;
  PwmLed led(recording(r));
  led.pulse(0.08, 0.08);  // 2 steps up, 2 down, forever
  pinfiber::sleep(1s);
  EXPECT_TRUE(led.is_blinking());
  led.set_value(0.5);  // stops the pulse
  EXPECT_FALSE(led.is_blinking());
  const auto n = r.duties.size();
  pinfiber::sleep(1s);
  EXPECT_EQ(r.duties.size(), n);
  EXPECT_DOUBLE_EQ(r.duties.back().second, 0.5);
  // A blocking pulse runs in the caller: 3 cycles of 4 steps of 40 ms.
  const auto t0 = elapsed();
  led.pulse(0.08, 0.08, 3, false);
  EXPECT_EQ(elapsed() - t0, 3 * 160ms);
  EXPECT_EQ(led.value(), 0);
}

TEST_F(PwmDevicesTest, DestroyingABlinkingLedStopsItOff) {
  Record r;
  {
    PwmLed led(recording(r));
    led.pulse();
    pinfiber::sleep(500ms);
  }
  EXPECT_DOUBLE_EQ(r.duties.back().second, 0.0);
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u);
}

TEST_F(PwmDevicesTest, ServoPulseWidthsAreGpiozeros) {
  Record r;
  Servo servo(recording(r));
  EXPECT_EQ(r.period, 20ms);
  EXPECT_EQ(servo.pulse_width(), 1500us);  // initial value 0: the middle
  servo.min();
  EXPECT_EQ(servo.pulse_width(), 1ms);
  EXPECT_DOUBLE_EQ(r.duties.back().second, 0.05);
  servo.max();
  EXPECT_DOUBLE_EQ(r.duties.back().second, 0.1);
  servo.set_value(0.5);
  EXPECT_EQ(servo.pulse_width(), 1750us);
  servo.detach();
  EXPECT_FALSE(servo.is_active());
  EXPECT_DOUBLE_EQ(r.duties.back().second, 0.0);
  EXPECT_THROW(servo.set_value(1.5), pinfiber::Error);
  EXPECT_FALSE(servo.value().has_value());  // unchanged by the refused value
}

TEST_F(PwmDevicesTest, ServoOnAMockLinePulsesEveryFrame) {
  {
    Servo servo(18, {.initial_value = -1.0});
    pin(18).clear_history();
    pinfiber::sleep(41ms);
    const auto& h = pin(18).history();
    ASSERT_EQ(h.size(), 5u);  // up at 0, 20 and 40 ms, down 1 ms after each
    EXPECT_EQ(h[1].at - h[0].at, 1ms);
    EXPECT_EQ(h[2].at - h[0].at, 20ms);
    EXPECT_EQ(h[4].at - h[2].at, 20ms);
  }
  EXPECT_FALSE(pin(18).requested());
}

TEST_F(PwmDevicesTest, AngularServoMapsDegreesEitherWay) {
  Record r;
  AngularServo arm(recording(r), {.min_angle = -45, .max_angle = 45});
  EXPECT_EQ(arm.pulse_width(), 1500us);
  arm.set_angle(45);
  EXPECT_EQ(arm.pulse_width(), 2ms);
  arm.set_angle(-22.5);
  EXPECT_EQ(arm.pulse_width(), 1250us);
  EXPECT_DOUBLE_EQ(*arm.angle(), -22.5);
  EXPECT_THROW(arm.set_angle(50), pinfiber::Error);
  Record r2;
  AngularServo flipped(recording(r2), {.initial_angle = 90, .min_angle = 180, .max_angle = 0});
  EXPECT_EQ(flipped.pulse_width(), 1500us);
  flipped.set_angle(180);
  EXPECT_EQ(flipped.pulse_width(), 1ms);
}

TEST_F(PwmDevicesTest, MotorDrivesOneInputAtATimeAndStopsOnExit) {
  Record f, b;
  {
    Motor motor(recording(f, "forward"), recording(b, "backward"));
    motor.forward(0.6);
    EXPECT_DOUBLE_EQ(f.duties.back().second, 0.6);
    EXPECT_DOUBLE_EQ(b.duties.back().second, 0.0);
    motor.reverse();
    EXPECT_DOUBLE_EQ(motor.value(), -0.6);
    EXPECT_DOUBLE_EQ(f.duties.back().second, 0.0);
    EXPECT_DOUBLE_EQ(b.duties.back().second, 0.6);
    motor.backward();
    EXPECT_DOUBLE_EQ(b.duties.back().second, 1.0);
    EXPECT_THROW(motor.forward(2), pinfiber::Error);
    EXPECT_TRUE(motor.is_active());
  }
  EXPECT_DOUBLE_EQ(f.duties.back().second, 0.0);
  EXPECT_DOUBLE_EQ(b.duties.back().second, 0.0);
}

TEST_F(PwmDevicesTest, MotorOnMockLines) {
  {
    Motor motor(4, 14);
    motor.forward();
    pinfiber::sleep(0);
    EXPECT_TRUE(pin(4).level());
    EXPECT_FALSE(pin(14).level());
    motor.backward();
    pinfiber::sleep(0);
    EXPECT_FALSE(pin(4).level());
    EXPECT_TRUE(pin(14).level());
  }
  EXPECT_FALSE(pin(14).level());
  EXPECT_FALSE(pin(4).requested());
}

TEST_F(PwmDevicesTest, RgbLedColoursBlinksAndGoesDarkOnExit) {
  Record red, green, blue;
  {
    RgbLed led(recording(red), recording(green), recording(blue), {.active_high = false});
    led.set_color({1, 0.5, 0});
    EXPECT_DOUBLE_EQ(red.duties.back().second, 0.0);  // common anode: lit = low
    EXPECT_DOUBLE_EQ(green.duties.back().second, 0.5);
    EXPECT_DOUBLE_EQ(blue.duties.back().second, 1.0);
    led.toggle();
    EXPECT_EQ(led.color(), (Color{0, 0.5, 1}));
    // From blue to red over 2 steps, hold 40 ms, back, hold 40 ms: once, blocking.
    const auto t0 = elapsed();
    led.blink(0.04, 0.04, 0.08, 0.08, {1, 0, 0}, {0, 0, 1}, 1, false);
    EXPECT_EQ(elapsed() - t0, 240ms);
    EXPECT_EQ(led.color(), (Color{}));
    EXPECT_THROW(led.set_color({0, 2, 0}), pinfiber::Error);
    led.pulse(1, 1, {0, 1, 0});
    pinfiber::sleep(1s);
    EXPECT_TRUE(led.is_blinking());
  }
  EXPECT_DOUBLE_EQ(red.duties.back().second, 1.0);
  EXPECT_DOUBLE_EQ(green.duties.back().second, 1.0);
  EXPECT_DOUBLE_EQ(blue.duties.back().second, 1.0);
}

TEST_F(PwmDevicesTest, BuzzerBeepsAndIsSilentOnExit) {
  {
    Buzzer buzzer(22);
    pin(22).clear_history();
    buzzer.beep(0.1, 0.2, 2);
    pinfiber::sleep(1s);
    const auto& h = pin(22).history();
    ASSERT_EQ(h.size(), 4u);
    EXPECT_EQ(h[1].at - h[0].at, 100ms);
    EXPECT_EQ(h[2].at - h[1].at, 200ms);
    buzzer.on();
    EXPECT_TRUE(buzzer.is_active());
  }
  EXPECT_FALSE(pin(22).level());
}
