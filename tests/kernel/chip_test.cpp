// The gpio-sim chip laid out like a Pi Zero W's, through the libgpiod backend: opening by label,
// name, path and board; the kernel's line names; lookups by name with the board table's fallbacks.

#include <gmock/gmock.h>

#include "kernel_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::HasSubstr;
using KernelChipTest = KernelGpioTest;

TEST_F(KernelChipTest, OpensByLabelLikeAPiZeroW) {
  EXPECT_EQ(chip().label(), "pinctrl-bcm2835");
  EXPECT_EQ(chip().num_lines(), 54u);
  EXPECT_EQ(chip().path(), "/dev/" + chip().name());
  EXPECT_EQ(chip().board(), &boards::raspberry_pi_zero_w());  // found from the label
}

TEST_F(KernelChipTest, OpensByNameNumberPathAndBoard) {
  const std::string number = chip().name().substr(std::string("gpiochip").size());
  for (const std::string& spec : {chip().name(), number, chip().path()}) {
    Chip c(spec, backend());
    EXPECT_EQ(c.label(), "pinctrl-bcm2835") << spec;
  }
  Chip by_board(boards::raspberry_pi_zero_w(), backend());
  EXPECT_EQ(by_board.name(), chip().name());
}

TEST_F(KernelChipTest, AnUnknownLabelFailsListingTheChips) {
  try {
    Chip c("pinctrl-bcm2711", backend());
    FAIL() << "opened " << c.name();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code().value(), ENODEV);
    EXPECT_THAT(e.what(), HasSubstr("pinctrl-bcm2711"));
    EXPECT_THAT(e.what(), HasSubstr(chip().name() + " 'pinctrl-bcm2835'"));
  }
}

TEST_F(KernelChipTest, TheKernelReportsTheBoardsLineNames) {
  const Board& board = boards::raspberry_pi_zero_w();
  for (unsigned i = 0; i < chip().num_lines(); ++i) {
    const LineInfo info = chip().line_info(i);
    EXPECT_EQ(info.offset, i);
    EXPECT_EQ(info.name, board.line_names[i]) << "line " << i;
    EXPECT_FALSE(info.used) << "line " << i;
  }
}

TEST_F(KernelChipTest, FindsLinesByTheirNamesAndByBcmNumber) {
  EXPECT_EQ(chip().line_offset("GPIO17"), 17u);        // the device tree's own name
  EXPECT_EQ(chip().line_offset("SPI_CE0_N"), 8u);      // likewise
  EXPECT_EQ(chip().line_offset("GPIO8"), 8u);          // Pi OS's name, through the board table
  EXPECT_EQ(chip().line_offset("BCM4"), 4u);           // gpiozero's
  EXPECT_EQ(chip().line_offset("STATUS_LED_N"), 47u);  // beyond the header
  try {
    chip().line_offset("NO_SUCH_LINE");
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_THAT(e.what(), HasSubstr("'NO_SUCH_LINE'"));
  }
}

TEST_F(KernelChipTest, RequestsALineByName) {
  OutputLine led = chip().request_output("GPIO17", {.initial_value = true});
  EXPECT_EQ(led.offset(), 17u);
  EXPECT_TRUE(sim().level(17));
}

}  // namespace
}  // namespace pinfiber::gpio::testing
