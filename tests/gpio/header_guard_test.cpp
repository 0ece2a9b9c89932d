// Lines off the board's 40-pin header need an explicit opt-in; the default chip of a simulation is
// the board it says it simulates (a backend capability, not its name).

#include <gmock/gmock.h>

#include <string>

#include "gpio/gpio_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::HasSubstr;
using HeaderGuardTest = GpioTest;

int code_of(auto&& fn) {
  try {
    fn();
  } catch (const GpioError& e) {
    return e.code().value();
  }
  return 0;
}

TEST_F(HeaderGuardTest, OffHeaderLineIsRefusedNamingTheHeaderGpios) {
  try {
    chip().request_input(40);  // physical pin 40 is BCM 21: the classic slip
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::operation_not_permitted);
    EXPECT_THAT(e.what(), HasSubstr("request line 40 on gpiochip0: Operation not permitted (BCM 40 'CAM_GPIO1' is "
                                    "not on the Raspberry Pi Zero W's 40-pin header, whose GPIOs are BCM 0-27"));
    EXPECT_THAT(e.what(), HasSubstr("`pinout pi-zero-w`"));
    EXPECT_THAT(e.what(), HasSubstr("off_header = true"));
  }
  EXPECT_FALSE(pin(40).requested());  // refused before the backend was asked
  EXPECT_EQ(code_of([&] { chip().request_output(28); }), EPERM);
  EXPECT_EQ(code_of([&] { chip().request_outputs({17, 45}); }), EPERM);
  EXPECT_FALSE(pin(17).requested());  // all or nothing
  EXPECT_EQ(code_of([&] { chip().request_inputs({4, 53}); }), EPERM);
  EXPECT_EQ(code_of([&] { Button b(chip(), 47); }), EPERM);
  EXPECT_EQ(code_of([&] { Led l(chip(), 47); }), EPERM);
  // Every header GPIO is fine, BCM 27 the last of them.
  EXPECT_EQ(code_of([&] { chip().request_input(27); }), 0);
  EXPECT_EQ(code_of([&] { chip().request_input(0); }), 0);
}

TEST_F(HeaderGuardTest, OptInRequestsTheLine) {
  auto in = chip().request_input(40, {.off_header = true});
  EXPECT_TRUE(pin(40).requested());
  auto out = chip().request_output(47, {.initial_value = true, .off_header = true});  // the ACT LED
  EXPECT_TRUE(pin(47).level());
  auto group = chip().request_outputs({30, 31}, {.off_header = true});
  EXPECT_TRUE(pin(31).requested());
  Led act(chip(), 46, {.off_header = true});
  Button b(chip(), 41, {.off_header = true});
}

TEST_F(HeaderGuardTest, ChipWithoutABoardIsNotGuarded) {
  MockBackend other;
  other.add_chip("gpio-expander", 64);
  Chip c("gpiochip0", other);
  EXPECT_EQ(c.board(), nullptr);
  auto in = c.request_input(40);
  EXPECT_TRUE(other.chip(0).pin(40).requested());
}

TEST_F(HeaderGuardTest, EveryBoardGuardsWhatItsHeaderLacks) {
  for (const Board* b : boards::all()) {
    MockBackend m(*b);
    Chip c(*b, m);
    EXPECT_EQ(code_of([&] { c.request_input(28); }), EPERM) << b->id;
    EXPECT_EQ(code_of([&] { c.request_input(26); }), 0) << b->id;
  }
}

// A simulation of another name: what default_chip() opens follows simulated_board(), not name().
class Simulator : public MockBackend {
 public:
  std::string_view name() const override { return "simulator"; }
};

TEST_F(HeaderGuardTest, DefaultChipOfASimulationIsTheBoardItSimulates) {
  Simulator sim;
  sim.add_chip("brcmvirt-gpio", 2);        // gpiochip0: not the header
  sim.add_chip(boards::raspberry_pi_5());  // gpiochip1: the header, found by its label
  set_default_backend(&sim);
  {
    Chip c = Chip::default_chip();
    EXPECT_EQ(c.name(), "gpiochip1");
    EXPECT_EQ(c.board(), &boards::raspberry_pi_5());
  }
  MockBackend bare;
  bare.add_chip("gpio-expander", 8);
  set_default_backend(&bare);
  {
    Chip c = Chip::default_chip();  // simulates no board: gpiochip0, unguarded
    EXPECT_EQ(c.name(), "gpiochip0");
    EXPECT_EQ(c.board(), nullptr);
  }
  set_default_backend(nullptr);
}

}  // namespace
}  // namespace pinfiber::gpio::testing
