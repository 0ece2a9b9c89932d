// The I2C layer and the BME280 driver against the real kernel: i2c-dev on the i2c-stub adapter in
// scripts/kernel-vm --i2c-stub 0x76 (a register-file chip at a BME280's address, SMBus only). The
// test fills the chip's registers through the bus API itself - a BME280's id, calibration and data
// registers - and the unchanged driver reads them through /dev/i2c-N. Outside the VM every test
// skips, saying how to run it.

#include <gtest/gtest.h>

#include <pinfiber/bus.hpp>
#include <pinfiber/core.hpp>
#include <pinfiber/devices.hpp>
#include <pinfiber/testing.hpp>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using pinfiber::bus::BusError;
using pinfiber::bus::I2cDev;
using pinfiber::devices::Bme280;
using pinfiber::devices::Bme280Calibration;

namespace {

class I2cStubTest : public pinfiber::testing::HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    path_ = I2cDev::find("SMBus stub driver");
    if (path_.empty())
      GTEST_SKIP() << "no i2c-stub adapter: run me as scripts/kernel-vm --i2c-stub 0x76 -- test_i2c_kernel";
    // Real ioctls and thread-pool calls: the hub's clock runs for real, every wait bounded.
    use_real_clock();
  }
  std::string path_;
};

}  // namespace

TEST_F(I2cStubTest, TheAdapterIsSmbusOnlyAndItsChipAnswersAScan) {
  I2cDev bus(path_);
  EXPECT_EQ(bus.functions(), pinfiber::bus::I2cFunctions::smbus_only());
  EXPECT_EQ(bus.scan(0x08, 0x77, 5s), (std::vector<std::uint16_t>{0x76}));
  EXPECT_TRUE(bus.probe(0x76, 5s));
  EXPECT_FALSE(bus.probe(0x77, 5s));
}

TEST_F(I2cStubTest, RegistersKeepBytesWordsAndBlocks) {
  I2cDev bus(path_, {.timeout = 5s});
  bus.write_byte_data(0x76, 0x10, 0xa5);
  EXPECT_EQ(bus.read_byte_data(0x76, 0x10), 0xa5);
  bus.write_word_data(0x76, 0x20, 0xbeef);
  EXPECT_EQ(bus.read_word_data(0x76, 0x20), 0xbeef);
  std::vector<std::uint8_t> out(40), in(40);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i * 7 + 1);
  bus.write_block(0x76, 0x40, out);  // more than one SMBus block: split in 32 + 8
  bus.read_block(0x76, 0x40, in);
  EXPECT_EQ(in, out);
}

TEST_F(I2cStubTest, TransfersOnTheThreadPoolWorkAlike) {
  I2cDev pooled(path_, {.policy = {.inline_limit = pinfiber::Duration::zero()}, .timeout = 5s});
  pooled.write_byte_data(0x76, 0x11, 0x5a);
  EXPECT_EQ(pooled.read_byte_data(0x76, 0x11), 0x5a);
  EXPECT_EQ(pooled.inline_transfers(), 0u);
  EXPECT_EQ(pooled.pooled_transfers(), 2u);
}

TEST_F(I2cStubTest, NobodyAtAnAddressAndNoPlainI2cAreNamedErrors) {
  I2cDev bus(path_, {.timeout = 5s});
  try {
    bus.read_byte_data(0x77, 0xd0);
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_NE(std::string(e.what()).find("read register 0xd0 of 0x77 on " + path_), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing acknowledged address 0x77"), std::string::npos) << e.what();
  }
  std::uint8_t reg = 0xd0, id = 0;
  try {
    bus.write_read(0x76, {&reg, 1}, {&id, 1});
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EOPNOTSUPP);
  }
}

TEST_F(I2cStubTest, TheBme280DriverReadsAChipWhoseRegistersTheTestFilled) {
  I2cDev bus(path_, {.timeout = 5s});
  // What a BME280 at 21.5 degC, 1013.25 hPa, 40 %RH holds, worked out by the simulator's search.
  pinfiber::bus::MockI2cBus scratch;
  pinfiber::devices::MockBme280 air(scratch, 0x76);
  air.set_conditions(21.5, 1013.25, 40.0);
  const auto raw = air.raw();
  std::array<std::uint8_t, pinfiber::devices::bme280_calib1_size> c1{};
  std::array<std::uint8_t, pinfiber::devices::bme280_calib2_size> c2{};
  Bme280Calibration::datasheet_example().encode(c1, c2);
  bus.write_byte_data(0x76, 0xd0, 0x60);
  bus.write_byte_data(0x76, 0xf3, 0x00);  // status: not measuring, calibration copied
  bus.write_block(0x76, 0x88, c1);
  bus.write_block(0x76, 0xe1, c2);
  const std::uint8_t data[8] = {
      static_cast<std::uint8_t>(raw.pressure >> 12),        static_cast<std::uint8_t>(raw.pressure >> 4),
      static_cast<std::uint8_t>((raw.pressure & 0xf) << 4), static_cast<std::uint8_t>(raw.temperature >> 12),
      static_cast<std::uint8_t>(raw.temperature >> 4),      static_cast<std::uint8_t>((raw.temperature & 0xf) << 4),
      static_cast<std::uint8_t>(raw.humidity >> 8),         static_cast<std::uint8_t>(raw.humidity & 0xff)};
  bus.write_block(0x76, 0xf7, data);

  Bme280 bme(bus, 0x76, {.timeout = 5s});
  EXPECT_EQ(bme.calibration(), Bme280Calibration::datasheet_example());
  // The driver set the chip up: the stub keeps what it wrote (the reset word, then the settings).
  EXPECT_EQ(bus.read_byte_data(0x76, 0xe0), 0xb6);
  EXPECT_EQ(bus.read_byte_data(0x76, 0xf2), 0x01);  // humidity x1
  const auto r = bme.read();
  EXPECT_EQ(r.raw, raw);
  EXPECT_EQ(r.fixed, Bme280Calibration::datasheet_example().compensate(raw));
  EXPECT_NEAR(r.temperature, 21.5, 0.005);
  EXPECT_NEAR(r.pressure, 1013.25, 0.001);
  EXPECT_NEAR(r.humidity, 40.0, 0.006);
  EXPECT_EQ(bus.read_byte_data(0x76, 0xf4), 0x25);  // forced mode, x1 x1: the trigger it wrote
}

TEST_F(I2cStubTest, AChipThatIsNotABme280IsRefusedOnTheRealBusToo) {
  I2cDev bus(path_, {.timeout = 5s});
  bus.write_byte_data(0x76, 0xd0, 0x58);
  try {
    Bme280 bme(bus, 0x76, {.timeout = 5s});
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), ENODEV);
    EXPECT_NE(std::string(e.what()).find("BME280 at 0x76 on " + path_ + ": chip id 0x58 is a BMP280"),
              std::string::npos)
        << e.what();
  }
}
