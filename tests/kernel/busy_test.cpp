// A line held by someone else: the kernel refuses it (EBUSY) and the error names the holder, as
// gpioinfo shows it; once released, it can be had.

#include <gmock/gmock.h>

#include "kernel_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::HasSubstr;
using KernelBusyTest = KernelGpioTest;

void expect_busy(Chip& chip, unsigned offset, const std::string& holder) {
  try {
    InputLine line = chip.request_input(offset);
    FAIL() << "line " << offset << " was granted while '" << holder << "' holds it";
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code().value(), EBUSY);
    EXPECT_THAT(e.what(), HasSubstr("request line " + std::to_string(offset) + " on " + chip.name()));
    EXPECT_THAT(e.what(), HasSubstr("held by '" + holder + "'"));
  }
}

TEST_F(KernelBusyTest, AHeldLineIsBusyAndTheErrorNamesTheHolder) {
  OutputLine led = chip().request_output(17, {.consumer = "doorbell-led"});
  // Another open of the chip, as another program would have.
  Chip other("pinctrl-bcm2835", backend());
  const LineInfo info = other.line_info(17);
  EXPECT_TRUE(info.used);
  EXPECT_EQ(info.consumer, "doorbell-led");
  expect_busy(other, 17, "doorbell-led");
  expect_busy(chip(), 17, "doorbell-led");  // the same open chip too

  led.release();
  EXPECT_FALSE(other.line_info(17).used);
  InputLine mine = other.request_input(17, {.consumer = "second-owner"});
  EXPECT_EQ(chip().line_info(17).consumer, "second-owner");
}

TEST_F(KernelBusyTest, AnInputIsBusyForAnOutputRequestToo) {
  InputLine button = chip().request_input(4, {.consumer = "doorbell-button"});
  Chip other("pinctrl-bcm2835", backend());
  try {
    OutputLine out = other.request_output(4);
    FAIL() << "line 4 was granted twice";
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code().value(), EBUSY);
    EXPECT_THAT(e.what(), HasSubstr("held by 'doorbell-button'"));
  }
}

}  // namespace
}  // namespace pinfiber::gpio::testing
