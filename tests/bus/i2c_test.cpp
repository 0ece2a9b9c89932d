// The I2C bus interface on the mock bus: register access, block reads on both kinds of adapter,
// probes and scans, timeouts on the paused clock, errors that name the transfer, the device and
// the bus; and I2cDev's own errors where no kernel is needed.

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <pinfiber/bus.hpp>
#include <pinfiber/core.hpp>
#include <pinfiber/testing.hpp>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using pinfiber::bus::BusError;
using pinfiber::bus::I2cFunctions;
using pinfiber::bus::MockI2cBus;
using pinfiber::bus::MockI2cRegisters;

namespace {

class I2cTest : public pinfiber::testing::HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    bus_.attach(0x76, chip_);
  }
  MockI2cBus bus_;
  MockI2cRegisters chip_;
};

// A device that records every message it sees, to check what the bus puts on the wire.
struct Recorder : MockI2cRegisters {
  std::vector<std::string> log;
  bool on_write(std::span<const std::uint8_t> bytes) override {
    log.push_back("W" + std::to_string(bytes.size()));
    return MockI2cRegisters::on_write(bytes);
  }
  bool on_read(std::span<std::uint8_t> out) override {
    log.push_back("R" + std::to_string(out.size()));
    return MockI2cRegisters::on_read(out);
  }
};

}  // namespace

TEST_F(I2cTest, RegisterBytesAndWordsGoThroughTheRegisterPointer) {
  chip_.set(0xd0, 0x60);
  EXPECT_EQ(bus_.read_byte_data(0x76, 0xd0), 0x60);
  bus_.write_byte_data(0x76, 0xf4, 0x27);
  EXPECT_EQ(chip_.get(0xf4), 0x27);
  // SMBus words travel low byte first: two consecutive registers of a real device.
  bus_.write_word_data(0x76, 0x88, 0x6b70);
  EXPECT_EQ(chip_.get(0x88), 0x70);
  EXPECT_EQ(chip_.get(0x89), 0x6b);
  EXPECT_EQ(bus_.read_word_data(0x76, 0x88), 0x6b70);
  EXPECT_EQ(elapsed(), 0ns);
}

TEST_F(I2cTest, BlockReadIsOneCombinedTransactionWherePlainI2cExists) {
  Recorder rec;
  bus_.attach(0x77, rec);
  std::vector<std::uint8_t> want(40);
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = static_cast<std::uint8_t>(i * 7 + 1);
  rec.set(0x80, want);
  std::vector<std::uint8_t> got(40);
  const auto before = bus_.transfers();
  bus_.read_block(0x77, 0x80, got);
  EXPECT_EQ(got, want);
  EXPECT_EQ(bus_.transfers() - before, 1u);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"W1", "R40"}));
}

TEST_F(I2cTest, BlockReadFallsBackToSmbusBlocksOfThirtyTwoOnAnSmbusOnlyAdapter) {
  bus_.set_functions(I2cFunctions::smbus_only());
  Recorder rec;
  bus_.attach(0x77, rec);
  std::vector<std::uint8_t> want(40);
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = static_cast<std::uint8_t>(200 - i);
  rec.set(0x80, want);
  std::vector<std::uint8_t> got(40);
  bus_.read_block(0x77, 0x80, got);
  EXPECT_EQ(got, want);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"W1", "R32", "W1", "R8"}));
  // Writes likewise: 33 bytes are a block of 32 and one of 1, each with its register number.
  rec.log.clear();
  std::vector<std::uint8_t> out(33, 0xab);
  bus_.write_block(0x77, 0x10, out);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"W33", "W2"}));
  EXPECT_EQ(rec.get(0x30), 0xab);
  EXPECT_EQ(rec.get(0x31), 0x00);
  // Past register 0xff an SMBus block cannot go.
  try {
    bus_.read_block(0x77, 0xf0, got);
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EINVAL);
    EXPECT_NE(std::string(e.what()).find("past register 0xff"), std::string::npos) << e.what();
  }
}

TEST_F(I2cTest, CombinedTransactionsNeedPlainI2c) {
  std::uint8_t cmd = 0xd0, id = 0;
  chip_.set(0xd0, 0x60);
  bus_.write_read(0x76, {&cmd, 1}, {&id, 1});
  EXPECT_EQ(id, 0x60);
  bus_.set_functions(I2cFunctions::smbus_only());
  try {
    bus_.write_read(0x76, {&cmd, 1}, {&id, 1});
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EOPNOTSUPP);
    EXPECT_STREQ(
        e.what(),
        "transfer 2 messages to 0x76 on mock I2C bus: Operation not supported (the adapter speaks SMBus only)");
  }
}

TEST_F(I2cTest, NothingAtAnAddressIsANakNamingTheTransferTheDeviceAndTheBus) {
  try {
    bus_.read_byte_data(0x40, 0x0f);
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EREMOTEIO);
    EXPECT_STREQ(e.what(),
                 "read register 0x0f of 0x40 on mock I2C bus: Remote I/O error (nothing acknowledged address 0x40: no "
                 "mock device there)");
  }
}

TEST_F(I2cTest, ProbeAndScanFindTheAttachedDevicesOnly) {
  MockI2cRegisters eeprom, rtc;
  bus_.attach(0x50, eeprom);
  bus_.attach(0x68, rtc);
  EXPECT_TRUE(bus_.probe(0x76));
  EXPECT_FALSE(bus_.probe(0x77));
  EXPECT_EQ(bus_.scan(), (std::vector<std::uint16_t>{0x50, 0x68, 0x76}));
  EXPECT_EQ(bus_.scan(0x60, 0x70), (std::vector<std::uint16_t>{0x68}));
  // Without quick transfers the probe reads a byte instead.
  bus_.set_functions({.smbus_byte = true, .smbus_byte_data = true});
  EXPECT_EQ(bus_.scan(), (std::vector<std::uint16_t>{0x50, 0x68, 0x76}));
  bus_.detach(0x68);
  EXPECT_EQ(bus_.scan(), (std::vector<std::uint16_t>{0x50, 0x76}));
}

TEST_F(I2cTest, AFailureTheTestInjectsReachesTheCallerOnceThenTheBusWorks) {
  bus_.fail_next(EIO);
  EXPECT_THROW(bus_.read_byte_data(0x76, 0), BusError);
  EXPECT_NO_THROW(bus_.read_byte_data(0x76, 0));
}

TEST_F(I2cTest, ATransferSlowerThanItsTimeoutIsATimeoutErrorAtTheTimeoutExactly) {
  bus_.set_latency(30ms);
  EXPECT_EQ(bus_.read_byte_data(0x76, 0xd0, 50ms), 0);
  EXPECT_EQ(elapsed(), 30ms);
  try {
    bus_.read_byte_data(0x76, 0xd0, 10ms);
    FAIL() << "no error";
  } catch (const pinfiber::TimeoutError& e) {
    EXPECT_EQ(e.code(), std::errc::timed_out);
    EXPECT_NE(std::string(e.what()).find("read register 0xd0 of 0x76 on mock I2C bus"), std::string::npos);
  }
  EXPECT_EQ(elapsed(), 40ms);
  // The bus's own timeout is the default of every call.
  bus_.set_timeout(5ms);
  EXPECT_THROW(bus_.read_byte_data(0x76, 0xd0), pinfiber::TimeoutError);
  EXPECT_EQ(elapsed(), 45ms);
}

TEST_F(I2cTest, TransfersOfTwoGreenletsTakeTurns) {
  bus_.set_latency(10ms);
  std::vector<pinfiber::Duration> done;
  auto a = pinfiber::spawn([&] {
    bus_.write_byte_data(0x76, 1, 1);
    done.push_back(elapsed());
  });
  auto b = pinfiber::spawn([&] {
    bus_.write_byte_data(0x76, 2, 2);
    done.push_back(elapsed());
  });
  pinfiber::joinall({a, b});
  EXPECT_EQ(done, (std::vector<pinfiber::Duration>{10ms, 20ms}));
}

TEST_F(I2cTest, AttachRefusesATakenOrInvalidAddress) {
  MockI2cRegisters other;
  EXPECT_THROW(bus_.attach(0x76, other), BusError);
  EXPECT_THROW(bus_.attach(0x78, other), BusError);
}

// --- I2cDev, where no kernel is needed -------------------------------------------------------------

TEST_F(I2cTest, OpeningAMissingBusSaysHowToEnableI2c) {
  try {
    pinfiber::bus::I2cDev dev("/dev/i2c-no-such-bus");
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("open /dev/i2c-no-such-bus: No such file or directory (enable I2C"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(I2cTest, OpeningSomethingThatIsNotAnI2cDeviceIsENOTTY) {
  try {
    pinfiber::bus::I2cDev dev("/dev/null");
    FAIL() << "no error";
  } catch (const BusError& e) {
    // ENOSYS: qemu-user, which runs the Pi builds' tests, answers an ioctl it does not know so.
    EXPECT_TRUE(e.code().value() == ENOTTY || e.code().value() == ENOSYS) << e.code().value();
    EXPECT_NE(std::string(e.what()).find("it is not an i2c-dev device node"), std::string::npos) << e.what();
  }
}

TEST_F(I2cTest, FindLooksAdaptersUpByName) {
  const auto dir = std::filesystem::temp_directory_path() / ("pinfiber-i2c-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "i2c-0");
  std::filesystem::create_directories(dir / "i2c-3");
  std::ofstream(dir / "i2c-0" / "name") << "bcm2835 (i2c@7e205000)\n";
  std::ofstream(dir / "i2c-3" / "name") << "SMBus stub driver\n";
  EXPECT_EQ(pinfiber::bus::I2cDev::find("SMBus stub driver", dir.string()), "/dev/i2c-3");
  EXPECT_EQ(pinfiber::bus::I2cDev::find("nothing like it", dir.string()), "");
  std::filesystem::remove_all(dir);
}
