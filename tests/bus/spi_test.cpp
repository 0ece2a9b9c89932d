// SPI: the mock bus (full duplex through a model, MISO floating high with nothing attached, injected
// failures, latency against a timeout, settings checked) and spidev's error paths on a real kernel
// (no SPI controller can be faked, so the real transfers are left to a Pi).

#include <gtest/gtest.h>

#include <pinfiber/bus.hpp>
#include <pinfiber/core.hpp>
#include <pinfiber/testing.hpp>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using pinfiber::bus::BusError;
using pinfiber::bus::MockSpiBus;
using pinfiber::bus::SpiDev;
using pinfiber::bus::SpiSettings;

namespace {

// Echoes each byte it got, inverted, and remembers the settings of the last transfer.
struct Inverter : pinfiber::bus::MockSpiDevice {
  SpiSettings seen;
  void on_transfer(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso, const SpiSettings& s) override {
    for (std::size_t i = 0; i < mosi.size(); ++i) miso[i] = static_cast<std::uint8_t>(~mosi[i]);
    seen = s;
  }
};

class SpiTest : public pinfiber::testing::HubTest {};

}  // namespace

TEST_F(SpiTest, TheMockIsFullDuplexThroughItsModel) {
  MockSpiBus spi;
  const std::uint8_t tx[3] = {0x01, 0x80, 0x00};
  std::uint8_t rx[3] = {};
  spi.transfer(tx, rx);
  EXPECT_EQ(std::vector<std::uint8_t>(rx, rx + 3), (std::vector<std::uint8_t>{0xff, 0xff, 0xff}));  // nothing wired
  Inverter dev;
  spi.attach(dev);
  spi.configure({.mode = 3, .speed_hz = 1'000'000});
  spi.transfer(tx, rx);
  EXPECT_EQ(std::vector<std::uint8_t>(rx, rx + 3), (std::vector<std::uint8_t>{0xfe, 0x7f, 0xff}));
  EXPECT_EQ(dev.seen, (SpiSettings{.mode = 3, .speed_hz = 1'000'000, .bits_per_word = 8}));
  spi.transfer(tx, {});  // a write only
  EXPECT_EQ(spi.transfers(), 3u);
  EXPECT_THROW(spi.transfer(tx, std::span<std::uint8_t>(rx, 2)), BusError);
  EXPECT_THROW(spi.configure({.mode = 4}), BusError);
}

TEST_F(SpiTest, FailuresAndTimeoutsNameTheTransferAndTheBus) {
  MockSpiBus spi("mock SPI bus 0.1");
  const std::uint8_t tx[2] = {1, 2};
  spi.fail_next(EIO);
  try {
    spi.transfer(tx, {});
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_STREQ(e.what(), "transfer 2 bytes on mock SPI bus 0.1: Input/output error");
  }
  spi.transfer(tx, {});
  spi.set_latency(50ms);
  spi.set_timeout(20ms);
  EXPECT_THROW(spi.transfer(tx, {}), pinfiber::TimeoutError);
  EXPECT_EQ(elapsed(), 20ms);
  spi.transfer(tx, {}, 1s);
  EXPECT_EQ(elapsed(), 70ms);
}

TEST_F(SpiTest, TwoGreenletsTransfersTakeTurns) {
  MockSpiBus spi;
  spi.set_latency(10ms);
  const std::uint8_t tx[1] = {0};
  auto a = pinfiber::spawn([&] { spi.transfer(tx, {}); });
  auto b = pinfiber::spawn([&] { spi.transfer(tx, {}); });
  pinfiber::joinall({a, b});
  EXPECT_EQ(elapsed(), 20ms);
}

TEST_F(SpiTest, SpidevWithoutSpiEnabledSaysHowToEnableIt) {
  try {
    SpiDev spi(9, 7);
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_STREQ(e.what(),
                 "open /dev/spidev9.7: No such file or directory (enable SPI: dtparam=spi=on in "
                 "config.txt (raspi-config does it))");
  }
}

TEST_F(SpiTest, ANodeThatIsNotSpidevIsRefusedByName) {
  try {
    SpiDev spi("/dev/null");
    FAIL() << "no error";
  } catch (const BusError& e) {
    // ENOSYS: qemu-user, which runs the Pi builds' tests, answers an ioctl it does not know so.
    EXPECT_TRUE(e.code().value() == ENOTTY || e.code().value() == ENOSYS) << e.code().value();
    EXPECT_NE(std::string(e.what()).find("set the mode of /dev/null"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("it is not a spidev device node"), std::string::npos) << e.what();
  }
}
