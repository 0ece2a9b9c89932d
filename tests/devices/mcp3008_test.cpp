// The MCP3008 driver against the simulated chip on the mock SPI bus: single-ended and differential
// conversions as the datasheet's equation 4-2 gives them, the bits on the wire, the chip's limits
// (mode, clock), errors naming the channel.

#include <gtest/gtest.h>

#include <pinfiber/bus.hpp>
#include <pinfiber/core.hpp>
#include <pinfiber/devices.hpp>
#include <pinfiber/testing.hpp>
#include <string>

using namespace std::chrono_literals;
using pinfiber::bus::MockSpiBus;
using pinfiber::devices::Mcp3008;
using pinfiber::devices::MockMcp3008;

namespace {
class Mcp3008Test : public pinfiber::testing::HubTest {
 protected:
  MockSpiBus spi_{"mock SPI bus 0.0", {.mode = 0, .speed_hz = 1'000'000}};
};
}  // namespace

TEST_F(Mcp3008Test, SingleEndedChannelsReadTheirOwnInput) {
  MockMcp3008 chip(spi_);
  for (unsigned ch = 0; ch < 8; ++ch) chip.set_voltage(ch, 0.4 * ch);
  for (unsigned ch = 0; ch < 8; ++ch) {
    Mcp3008 adc(spi_, ch);
    // 1024 * V / 3.3, rounded down: 0, 124, 248, 372, 496, 620, 744, 868.
    EXPECT_EQ(adc.raw_value(), static_cast<unsigned>(1024 * 0.4 * ch / 3.3)) << ch;
    EXPECT_NEAR(adc.voltage(), 0.4 * ch, 3.3 / 1023) << ch;
  }
  EXPECT_EQ(chip.conversions(), 16u);
}

TEST_F(Mcp3008Test, TheEndsOfTheRangeClamp) {
  MockMcp3008 chip(spi_);
  chip.set_voltage(2, 3.3);
  chip.set_voltage(3, -0.2);
  EXPECT_EQ(Mcp3008(spi_, 2).raw_value(), 1023u);
  EXPECT_DOUBLE_EQ(Mcp3008(spi_, 2).value(), 1.0);
  EXPECT_EQ(Mcp3008(spi_, 3).raw_value(), 0u);
}

TEST_F(Mcp3008Test, DifferentialPairsReadPlusAgainstMinus) {
  MockMcp3008 chip(spi_);
  chip.set_voltage(4, 2.0);
  chip.set_voltage(5, 0.35);
  EXPECT_EQ(Mcp3008(spi_, 4, {.differential = true}).raw_value(), static_cast<unsigned>(1024 * 1.65 / 3.3));
  EXPECT_EQ(Mcp3008(spi_, 5, {.differential = true}).raw_value(), 0u);  // - above +: the chip gives 0
}

TEST_F(Mcp3008Test, AWrongModeOrTooFastAClockReadsAsFloatingMiso) {
  MockMcp3008 chip(spi_);
  chip.set_voltage(0, 1.0);
  spi_.configure({.mode = 1, .speed_hz = 1'000'000});
  EXPECT_EQ(Mcp3008(spi_, 0).raw_value(), 1023u);  // all ones: MISO floating high
  spi_.configure({.mode = 0, .speed_hz = 2'000'000});
  EXPECT_EQ(Mcp3008(spi_, 0).raw_value(), 1023u);
  EXPECT_EQ(chip.refused(), 2u);
  spi_.configure({.mode = 3, .speed_hz = 1'000'000});  // mode 3 works too
  EXPECT_EQ(Mcp3008(spi_, 0).raw_value(), 310u);
}

TEST_F(Mcp3008Test, ErrorsNameTheChannelAndTheBus) {
  EXPECT_THROW(Mcp3008(spi_, 8), pinfiber::Error);
  spi_.fail_next(EIO);
  try {
    Mcp3008(spi_, 6).raw_value();
    FAIL() << "no error";
  } catch (const pinfiber::bus::BusError& e) {
    EXPECT_STREQ(e.what(), "read MCP3008 channel 6: transfer 3 bytes on mock SPI bus 0.0: Input/output error");
  }
  spi_.set_latency(2s);
  EXPECT_THROW(Mcp3008(spi_, 0).raw_value(), pinfiber::TimeoutError);  // its own 1 s timeout
  EXPECT_EQ(elapsed(), 1s);
}
