// The BME280: the datasheet's compensation checked against its worked example and its own
// floating-point formulas, and the driver against the simulated chip on the mock bus - the setup, a
// forced measurement timed exactly on the paused clock, polling, timeouts, normal mode, errors.

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <pinfiber/bus.hpp>
#include <pinfiber/core.hpp>
#include <pinfiber/devices.hpp>
#include <pinfiber/testing.hpp>
#include <string>

using namespace std::chrono_literals;
using pinfiber::bus::BusError;
using pinfiber::bus::MockI2cBus;
using pinfiber::devices::Bme280;
using pinfiber::devices::Bme280Calibration;
using pinfiber::devices::Bme280Mode;
using pinfiber::devices::Bme280Oversampling;
using pinfiber::devices::Bme280Raw;
using pinfiber::devices::MockBme280;

namespace {

// The datasheet's humidity formula in double precision (BST-BME280-DS002, 8.1), as an independent
// check of the integer one.
double humidity_double(const Bme280Calibration& c, double t_fine, double adc_h) {
  double h = t_fine - 76800.0;
  h = (adc_h - (c.h4 * 64.0 + c.h5 / 16384.0 * h)) *
      (c.h2 / 65536.0 * (1.0 + c.h6 / 67108864.0 * h * (1.0 + c.h3 / 67108864.0 * h)));
  h = h * (1.0 - c.h1 * h / 524288.0);
  return std::clamp(h, 0.0, 100.0);
}

// Half a raw ADC step of the datasheet example's calibration, in hPa and %RH: how near the raw value
// MockBme280 chooses can bring a reading to the conditions set (the steps are checked below).
constexpr double kHalfPressureStep = 0.09 / 100;
constexpr double kHalfHumidityStep = 0.006;

class Bme280Test : public pinfiber::testing::HubTest {
 protected:
  MockI2cBus bus_;
};

}  // namespace

TEST(Bme280Compensation, TheDatasheetsWorkedExample) {
  // BMP280 datasheet 3.12 (the BME280's temperature and pressure formulas are the same): these
  // trimming values with adc_T = 519888 give t_fine = 128422, T = 25.08 degC; adc_P = 415148 gives
  // 100653.27 Pa (the double-precision result; the 64-bit integer one is 25767233 / 256).
  const auto cal = Bme280Calibration::datasheet_example();
  const auto r = cal.compensate({519888, 415148, 0x8000});
  EXPECT_EQ(r.t_fine, 128422);
  EXPECT_EQ(r.temperature, 2508);
  EXPECT_EQ(r.pressure, 25767233u);
  EXPECT_NEAR(r.pressure / 256.0, 100653.27, 0.05);
}

TEST(Bme280Compensation, IntegerHumidityAgreesWithTheDatasheetsDoubleFormula) {
  const auto cal = Bme280Calibration::datasheet_example();
  for (std::int32_t adc_t : {400000, 519888, 600000}) {
    for (std::int32_t adc_h = 22000; adc_h <= 38000; adc_h += 1000) {
      const auto r = cal.compensate({adc_t, 415148, adc_h});
      EXPECT_NEAR(r.humidity / 1024.0, humidity_double(cal, r.t_fine, adc_h), 0.01) << adc_t << " " << adc_h;
    }
  }
  // Clamped to 0..100 %RH.
  EXPECT_EQ(cal.compensate({519888, 415148, 0}).humidity, 0u);
  EXPECT_EQ(cal.compensate({519888, 415148, 65535}).humidity, 100u * 1024);
}

TEST(Bme280Compensation, OneRawStepIsWhatTheMocksTolerancesSay) {
  // The tolerances of the driver tests are half of these steps: no raw value lands nearer.
  const auto cal = Bme280Calibration::datasheet_example();
  for (std::int32_t adc_p : {300000, 415148, 500000}) {
    const double step = (cal.compensate({519888, adc_p, 0x8000}).pressure -
                         static_cast<double>(cal.compensate({519888, adc_p + 1, 0x8000}).pressure)) /
                        256.0 / 100.0;
    EXPECT_GT(step, 0.0);
    EXPECT_LE(step / 2, kHalfPressureStep) << adc_p;
  }
  for (std::int32_t adc_h : {27000, 30000, 33500}) {
    const double step = (static_cast<double>(cal.compensate({519888, 415148, adc_h + 8}).humidity) -
                         cal.compensate({519888, 415148, adc_h}).humidity) /
                        8 / 1024.0;
    EXPECT_GT(step, 0.0);
    EXPECT_LE(step / 2, kHalfHumidityStep) << adc_h;
  }
}

TEST(Bme280Compensation, CalibrationBlocksDecodeAsTheDatasheetLaysThemOut) {
  // dig_T1 = 0x6b70 and dig_T2 = 0x6743 low byte first at 0x88 (as tests/kernel/i2c_stub_check.sh
  // writes them), dig_H4/H5 sharing 0xe5.
  std::array<std::uint8_t, 26> b1{0x70, 0x6b, 0x43, 0x67, 0x18, 0xfc, 0x7d, 0x8e, 0x43, 0xd6, 0xd0, 0x0b, 0x27,
                                  0x0b, 0x8c, 0x00, 0xf9, 0xff, 0x8c, 0x3c, 0xf8, 0xc6, 0x70, 0x17, 0x00, 0x4b};
  std::array<std::uint8_t, 7> b2{0x6a, 0x01, 0x00, 0x13, 0x29, 0x03, 0x1e};
  const auto c = Bme280Calibration::decode(b1, b2);
  EXPECT_EQ(c, Bme280Calibration::datasheet_example());
  EXPECT_EQ(c.h4, 313);  // 0x13 << 4 | 0x9
  EXPECT_EQ(c.h5, 50);   // 0x03 << 4 | 0x2
  std::array<std::uint8_t, 26> e1{};
  std::array<std::uint8_t, 7> e2{};
  c.encode(e1, e2);
  EXPECT_EQ(e1, b1);
  EXPECT_EQ(e2, b2);
  // Negative 12-bit values keep their sign.
  Bme280Calibration n = c;
  n.h4 = -300;
  n.h5 = -7;
  n.encode(e1, e2);
  EXPECT_EQ(Bme280Calibration::decode(e1, e2).h4, -300);
  EXPECT_EQ(Bme280Calibration::decode(e1, e2).h5, -7);
  EXPECT_THROW(Bme280Calibration::decode(std::span<const std::uint8_t>(b1).first(25), b2), pinfiber::Error);
}

TEST_F(Bme280Test, SetupResetsTheChipReadsItsCalibrationAndAReadGivesTheAirAround) {
  MockBme280 air(bus_, 0x76);
  air.set_conditions(21.5, 1013.25, 40.0);
  Bme280 bme(bus_);
  EXPECT_EQ(air.resets(), 1u);
  EXPECT_EQ(bme.calibration(), air.calibration());
  EXPECT_EQ(air.mode(), 0u);  // forced mode: asleep between reads
  const auto t0 = elapsed();
  const auto r = bme.read();
  EXPECT_NEAR(r.temperature, 21.5, 0.005);
  // Within half a raw step of the chip's ADC (MockBme280 picks the nearest raw value): one step is
  // 0.17 Pa and 0.011 %RH with this calibration.
  EXPECT_NEAR(r.pressure, 1013.25, kHalfPressureStep);
  EXPECT_NEAR(r.humidity, 40.0, kHalfHumidityStep);
  EXPECT_EQ(r.raw, air.raw());
  EXPECT_EQ(air.measurements(), 1u);
  EXPECT_EQ(air.mode(), 0u);
  // x1 everywhere: the datasheet's maximum, 1.25 + 2.3 + 2.875 + 2.875 ms, slept once.
  EXPECT_EQ(bme.measurement_time(), 9300us);
  EXPECT_EQ(elapsed() - t0, 9300us);
  air.set_conditions(-10.0, 950.0, 90.0);
  const auto r2 = bme.read();
  EXPECT_NEAR(r2.temperature, -10.0, 0.005);
  EXPECT_NEAR(r2.pressure, 950.0, kHalfPressureStep);
  EXPECT_NEAR(r2.humidity, 90.0, kHalfHumidityStep);
}

TEST_F(Bme280Test, ASlowChipIsPolledEveryMillisecondUntilItIsDone) {
  MockBme280 air(bus_);
  air.set_measurement_time(15ms);
  Bme280 bme(bus_);
  const auto t0 = elapsed();
  bme.read();
  // 9.3 ms slept, then the status register asked at 9.3, 10.3, ... 15.3 ms.
  EXPECT_EQ(elapsed() - t0, 15300us);
}

TEST_F(Bme280Test, AMeasurementThatNeverEndsIsATimeoutErrorAtTheTimeout) {
  MockBme280 air(bus_);
  air.set_measurement_time(1h);
  Bme280 bme(bus_);
  const auto t0 = elapsed();
  try {
    bme.read(100ms);
    FAIL() << "no error";
  } catch (const pinfiber::TimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find("read BME280 at 0x76 on mock I2C bus: wait for the measurement (status "
                                         "register 0xf3): timed out after 0.100 s"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(elapsed() - t0, 100ms);
  // A timeout shorter than the conversion itself is known at once, and still waited out.
  EXPECT_THROW(bme.read(5ms), pinfiber::TimeoutError);
  EXPECT_EQ(elapsed() - t0, 105ms);
}

TEST_F(Bme280Test, SetupWaitsForTheCalibrationCopyAfterTheReset) {
  MockBme280 air(bus_);
  air.set_startup_time(7ms);
  Bme280 bme(bus_);
  // 2 ms of start-up, then status.im_update polled until it clears at 7 ms.
  EXPECT_EQ(elapsed(), 7ms);
}

TEST_F(Bme280Test, ABmp280IsRecognisedAndRefusedByName) {
  MockBme280 air(bus_, 0x77);
  air.set_chip_id(0x58);
  try {
    Bme280 bme(bus_, 0x77);
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), ENODEV);
    EXPECT_STREQ(e.what(),
                 "open BME280 at 0x77 on mock I2C bus: chip id 0x58 is a BMP280, which measures no humidity (a "
                 "BME280 says 0x60)");
  }
}

TEST_F(Bme280Test, NoChipIsABusErrorNamingTheRegisterTheAddressAndTheBus) {
  try {
    Bme280 bme(bus_);
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EREMOTEIO);
    EXPECT_NE(std::string(e.what()).find("read register 0xd0 of 0x76 on mock I2C bus"), std::string::npos) << e.what();
  }
}

TEST_F(Bme280Test, SkippedMeasurementsReadAsNaNAndShortenTheConversion) {
  MockBme280 air(bus_);
  Bme280 bme(bus_, 0x76, {.pressure = Bme280Oversampling::skip, .humidity = Bme280Oversampling::skip});
  EXPECT_EQ(bme.measurement_time(), 3550us);
  const auto r = bme.read();
  EXPECT_TRUE(std::isnan(r.pressure));
  EXPECT_TRUE(std::isnan(r.humidity));
  EXPECT_NEAR(r.temperature, 20.0, 0.005);
  EXPECT_EQ(r.raw.pressure, 0x80000);
  EXPECT_THROW(Bme280(bus_, 0x76, {.temperature = Bme280Oversampling::skip}), pinfiber::Error);
}

TEST_F(Bme280Test, OversamplingLengthensTheConversionAsTheDatasheetSays) {
  MockBme280 air(bus_);
  Bme280 bme(
      bus_, 0x76,
      {.temperature = Bme280Oversampling::x2, .pressure = Bme280Oversampling::x16, .humidity = Bme280Oversampling::x1});
  // 1.25 + 2.3 * 2 + (2.3 * 16 + 0.575) + (2.3 + 0.575) ms
  EXPECT_EQ(bme.measurement_time(), 46100us);
  const auto t0 = elapsed();
  bme.read();
  EXPECT_EQ(elapsed() - t0, 46100us);
}

TEST_F(Bme280Test, NormalModeMeasuresContinuouslyAndAReadTakesTheLatest) {
  MockBme280 air(bus_);
  air.set_conditions(10.0, 1000.0, 30.0);
  Bme280 bme(bus_, 0x76, {.mode = Bme280Mode::normal, .standby = 62.5ms});
  EXPECT_EQ(air.mode(), 3u);
  EXPECT_EQ(air.measurements(), 1u);  // the constructor waited for the first
  const auto t0 = elapsed();
  EXPECT_NEAR(bme.read().temperature, 10.0, 0.005);
  EXPECT_EQ(elapsed(), t0);  // nothing to wait for
  air.set_conditions(30.0, 1000.0, 30.0);
  pinfiber::sleep(1s);
  EXPECT_NEAR(bme.read().temperature, 30.0, 0.005);
  // A cycle is the typical 8 ms measurement plus 62.5 ms of standby: 14 more in that second.
  EXPECT_EQ(air.measurements(), 15u);
}

TEST_F(Bme280Test, TwoGreenletsReadingOneSensorTakeTurns) {
  MockBme280 air(bus_);
  Bme280 bme(bus_);
  const auto t0 = elapsed();
  auto a = pinfiber::spawn([&] { return bme.read().temperature; });
  auto b = pinfiber::spawn([&] { return bme.read().temperature; });
  EXPECT_NEAR(a.get(), 20.0, 0.005);
  EXPECT_NEAR(b.get(), 20.0, 0.005);
  EXPECT_EQ(air.measurements(), 2u);
  EXPECT_EQ(elapsed() - t0, 2 * 9300us);
}

TEST_F(Bme280Test, WorksOnAnSmbusOnlyAdapterAsOnI2cStub) {
  bus_.set_functions(pinfiber::bus::I2cFunctions::smbus_only());
  MockBme280 air(bus_);
  air.set_conditions(25.0, 1020.0, 55.0);
  Bme280 bme(bus_);
  const auto r = bme.read();
  EXPECT_NEAR(r.temperature, 25.0, 0.005);
  EXPECT_NEAR(r.humidity, 55.0, kHalfHumidityStep);
}
