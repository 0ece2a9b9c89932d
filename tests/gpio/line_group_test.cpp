// LineGroup on the mock: several lines requested together, read and set in one call; the same
// through the common fallback (one request per line) for a backend without multi-line requests.

#include <gmock/gmock.h>

#include <vector>

#include "gpio/gpio_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Both ways of making a group: the mock's own multi-line request, and one request per line.
class LineGroupTest : public GpioTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    GpioTest::SetUp();
    mock_.set_capabilities({.multi_line = GetParam()});
  }
};

TEST_P(LineGroupTest, OutputsStartAtTheirInitialValuesAndChangeTogether) {
  EXPECT_EQ(chip().capabilities().multi_line, GetParam());
  pinfiber::sleep(1ms);
  auto leds = chip().request_outputs({17, 27, 22}, {.consumer = "leds"}, {true, false, true});
  EXPECT_THAT(leds.offsets(), ElementsAre(17u, 27u, 22u));
  EXPECT_EQ(leds.direction(), Direction::output);
  EXPECT_TRUE(pin(17).level());
  EXPECT_FALSE(pin(27).level());
  EXPECT_TRUE(pin(22).level());
  EXPECT_EQ(chip().line_info(27).consumer, "leds");
  EXPECT_EQ(chip().line_info(27).direction, Direction::output);
  pinfiber::sleep(5ms);
  leds.set_values({false, true, true});
  EXPECT_THAT(leds.get_values(), ElementsAre(false, true, true));
  // One call: every change at the same instant (6 ms), none for the line that kept its value.
  EXPECT_EQ(pin(17).history().back(), (MockPin::Change{t0_ + 6ms, false}));
  EXPECT_EQ(pin(27).history().back(), (MockPin::Change{t0_ + 6ms, true}));
  EXPECT_EQ(pin(22).history().size(), 1u);
  leds.set(22, false);
  EXPECT_FALSE(pin(22).level());
  EXPECT_TRUE(pin(27).level());  // the others keep theirs
  EXPECT_FALSE(leds.get(22));
  EXPECT_TRUE(leds.get(27));
  leds.release();
  EXPECT_FALSE(pin(17).requested());
  EXPECT_FALSE(pin(27).requested());
  auto again = chip().request_output(27);  // released lines can be requested again
}

TEST_P(LineGroupTest, InputsAreReadTogetherWithActiveLowAndBias) {
  auto dip = chip().request_inputs({5, 6, 13}, {.bias = Bias::pull_up, .active_low = true});
  EXPECT_EQ(dip.direction(), Direction::input);
  EXPECT_THAT(dip.get_values(), ElementsAre(false, false, false));  // pulled up: all off
  pin(6).drive_low();
  EXPECT_THAT(dip.get_values(), ElementsAre(false, true, false));
  EXPECT_TRUE(dip.get(6));
  EXPECT_EQ(chip().line_info(13).bias, Bias::pull_up);
  EXPECT_EQ(dip.description(), "lines 5, 6, 13 on gpiochip0");
}

TEST_P(LineGroupTest, OneInitialValueForAll) {
  auto g = chip().request_outputs({20, 21}, {.initial_value = true, .active_low = true});
  EXPECT_FALSE(pin(20).level());  // logical 1, active-low: driven low
  EXPECT_FALSE(pin(21).level());
  EXPECT_THAT(g.get_values(), ElementsAre(true, true));
}

TEST_P(LineGroupTest, AllOrNothingWhenOneLineIsHeld) {
  pin(27).hold_externally("other-app");
  try {
    chip().request_outputs({17, 27, 22});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::device_or_resource_busy);
    EXPECT_STREQ(e.what(),
                 "request lines 17, 27, 22 on gpiochip0: Device or resource busy (line 27 held by 'other-app')");
  }
  EXPECT_FALSE(pin(17).requested());  // taken by neither way of requesting
  EXPECT_FALSE(pin(22).requested());
}

TEST_P(LineGroupTest, BadRequestsAndUsesAreErrors) {
  const auto code = [](auto&& f) {
    try {
      f();
    } catch (const GpioError& e) {
      return e.code();
    }
    return std::error_code();
  };
  const auto einval = std::make_error_code(std::errc::invalid_argument);
  EXPECT_EQ(code([&] { chip().request_inputs({}); }), einval);
  EXPECT_EQ(code([&] { chip().request_inputs({4, 5, 4}); }), einval);
  EXPECT_EQ(code([&] { chip().request_inputs({4, 54}); }), einval);
  std::vector<unsigned> many(65);
  EXPECT_EQ(code([&] { chip().request_inputs(many); }), einval);
  EXPECT_EQ(code([&] { chip().request_outputs({4, 5}, {}, {true}); }), einval);
  auto in = chip().request_inputs({4, 5});
  EXPECT_EQ(code([&] { in.set_values({true, true}); }), std::make_error_code(std::errc::operation_not_permitted));
  auto out = chip().request_outputs({6, 7});
  EXPECT_EQ(code([&] { out.set_values({true}); }), einval);
  EXPECT_EQ(code([&] { out.set(8, true); }), einval);
  EXPECT_EQ(code([&] { out.get(8); }), einval);
  out.release();
  EXPECT_EQ(code([&] { out.get_values(); }), std::make_error_code(std::errc::bad_file_descriptor));
  EXPECT_FALSE(out.requested());
  EXPECT_EQ(out.description(), "a released group of lines");
}

TEST_P(LineGroupTest, SixtyFourLinesAtOnce) {
  MockBackend big;
  big.set_capabilities({.multi_line = GetParam()});
  big.add_chip("expander", 64);
  Chip c("gpiochip0", big);
  std::vector<unsigned> all(64);
  for (unsigned i = 0; i < 64; ++i) all[i] = i;
  std::vector<bool> values(64);
  for (unsigned i = 0; i < 64; ++i) values[i] = i % 3 == 0;
  auto g = c.request_outputs(all, {}, values);
  EXPECT_EQ(g.get_values(), values);
  values.flip();
  g.set_values(values);
  EXPECT_FALSE(big.chip(0).pin(63).level());  // bit 63, the mask's last: on, now flipped off
  EXPECT_TRUE(big.chip(0).pin(62).level());
  EXPECT_EQ(g.get_values(), values);
}

TEST_P(LineGroupTest, MovedGroupsKeepWorking) {
  auto a = chip().request_outputs({17, 27});
  LineGroup b = std::move(a);
  b.set(27, true);
  EXPECT_TRUE(pin(27).level());
  LineGroup c;
  c = std::move(b);
  c.set(27, false);
  EXPECT_FALSE(pin(27).level());
}

INSTANTIATE_TEST_SUITE_P(Mock, LineGroupTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "MultiLine" : "OneRequestPerLine"; });

}  // namespace
}  // namespace pinfiber::gpio::testing
