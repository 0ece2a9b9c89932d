#pragma once
// Bme280: the Bosch BME280 temperature, pressure and humidity sensor on I2C (datasheet
// BST-BME280-DS002), on any I2cBus - the kernel's (I2cDev) or the mock (MockI2cBus, MockBme280).

#include <cstdint>
#include <limits>

#include "pinfiber/bus/i2c_bus.hpp"
#include "pinfiber/core/clock.hpp"
#include "pinfiber/devices/bme280_calibration.hpp"
#include "pinfiber/sync/lock.hpp"

namespace pinfiber::devices {

/// How many samples the chip averages per measurement (the osrs_* fields, datasheet 5.4.3-5.4.5);
/// skip leaves the measurement out (its value reads as NaN).
enum class Bme280Oversampling : std::uint8_t { skip = 0, x1 = 1, x2 = 2, x4 = 3, x8 = 4, x16 = 5 };
/// The IIR filter on temperature and pressure (config.filter, datasheet 3.4.4).
enum class Bme280Filter : std::uint8_t { off = 0, x2 = 1, x4 = 2, x8 = 3, x16 = 4 };
/// forced: one measurement per read(), the chip asleep in between - the datasheet's recommendation
/// for weather monitoring (section 3.5.1: forced mode, x1 oversampling, filter off, one reading a
/// minute). normal: the chip measures continuously, every measurement time plus `standby`; read()
/// takes the latest.
enum class Bme280Mode : std::uint8_t { forced, normal };

/// How a Bme280 is set up. The defaults are the datasheet's weather-monitoring settings.
struct Bme280Options {
  Bme280Oversampling temperature = Bme280Oversampling::x1;  ///< never skip: the others need it
  Bme280Oversampling pressure = Bme280Oversampling::x1;
  Bme280Oversampling humidity = Bme280Oversampling::x1;
  Bme280Filter filter = Bme280Filter::off;
  Bme280Mode mode = Bme280Mode::forced;
  /// normal mode: the pause between measurements, rounded to the nearest the chip offers (0.5, 10,
  /// 20, 62.5, 125, 250, 500, 1000 ms; config.t_sb, datasheet Table 27).
  TimeSpan standby = std::chrono::milliseconds(1000);
  /// The default timeout of every call, the constructor's included.
  TimeSpan timeout = std::chrono::seconds(1);
};

/// One reading.
struct Bme280Reading {
  double temperature = 0;  ///< degC, resolution 0.01
  double pressure = 0;     ///< hPa (mbar), resolution 1/25600 hPa; NaN when skipped
  double humidity = 0;     ///< %RH, resolution 1/1024; NaN when skipped
  Bme280Raw raw;           ///< what the data registers held
  Bme280Fixed fixed;       ///< the datasheet's integer results the values above come from
};

/// A BME280 at `address` (0x76 with SDO to ground, 0x77 with SDO to VDDIO) on an I2C bus. Making one
/// checks the chip id, resets the chip, reads its calibration and sets it up; read() measures.
/// Every call blocks only the calling greenlet (transfers on the bus, and in forced mode the
/// conversion time: slept on the hub, then the status register polled), up to its timeout (the
/// sensor's own by default, Bme280Options::timeout). Failures are BusError naming the step, the
/// address and the bus; timeouts TimeoutError. Two greenlets may share one (their reads take turns).
///
///   pinfiber::bus::I2cDev bus("/dev/i2c-1");
///   pinfiber::devices::Bme280 bme(bus, 0x76);
///   auto r = bme.read();  std::printf("%.2f C %.2f hPa %.1f %%\n", r.temperature, r.pressure, r.humidity);
class Bme280 {
 public:
  /// The chip id register's value for a BME280 (0xd0); a BMP280, which has no humidity, reads 0x58.
  static constexpr std::uint8_t chip_id_value = 0x60;

  /// Checks the chip id (BusError ENODEV naming what answered instead: "... is a BMP280 (chip id
  /// 0x58), which measures no humidity"), soft-resets the chip and waits for it to copy its
  /// calibration (status.im_update), reads the calibration, writes the settings. Blocks the calling
  /// greenlet for the bus transfers and the 2 ms start-up time (datasheet Table 1), up to
  /// options.timeout in all. Throws BusError, TimeoutError; pinfiber::Error (EINVAL) when
  /// temperature oversampling is skip.
  Bme280(bus::I2cBus& bus, std::uint16_t address = 0x76, const Bme280Options& options = {});
  Bme280(const Bme280&) = delete;
  Bme280& operator=(const Bme280&) = delete;

  /// Measures (forced mode: triggers a conversion, sleeps the datasheet's maximum measurement time,
  /// then polls the status register every millisecond until the chip is done; normal mode: takes
  /// the latest measurement) and compensates it. Blocks the calling greenlet up to `timeout`.
  /// Throws BusError, TimeoutError (naming the register it waited on).
  Bme280Reading read(TimeSpan timeout = object_timeout);
  /// read()'s temperature in degC, pressure in hPa, humidity in %RH.
  double temperature(TimeSpan timeout = object_timeout) { return read(timeout).temperature; }
  double pressure(TimeSpan timeout = object_timeout) { return read(timeout).pressure; }
  double humidity(TimeSpan timeout = object_timeout) { return read(timeout).humidity; }

  /// The datasheet's maximum measurement time for these oversampling settings (Appendix B, 9.1:
  /// 1.25 ms + 2.3 ms per temperature sample + 2.3 ms per pressure sample + 0.575 ms + the same for
  /// humidity). Never blocks.
  Duration measurement_time() const;
  const Bme280Calibration& calibration() const { return calibration_; }
  const Bme280Options& options() const { return options_; }
  std::uint16_t address() const { return address_; }
  bus::I2cBus& bus() { return bus_; }
  /// "BME280 at 0x76 on /dev/i2c-1", as errors name it.
  std::string description() const;

 private:
  std::uint8_t ctrl_meas(bool forced) const;
  Duration resolve(TimeSpan timeout) const;

  bus::I2cBus& bus_;
  std::uint16_t address_;
  Bme280Options options_;
  Bme280Calibration calibration_;
  Lock lock_;
};

}  // namespace pinfiber::devices
