#pragma once
// MockBme280: a simulated BME280 on a MockI2cBus, for host tests of programs that read one (a weather
// station): the test sets the air around it, the real Bme280 driver reads it through the mock bus.

#include <cstdint>

#include "pinfiber/bus/mock_i2c.hpp"
#include "pinfiber/core/clock.hpp"
#include "pinfiber/devices/bme280_calibration.hpp"

namespace pinfiber::devices {

/// A BME280 as its registers behave (datasheet BST-BME280-DS002, section 5): chip id 0x60, soft
/// reset, calibration in NVM, ctrl_hum/ctrl_meas/config, forced and normal mode with the status
/// register's measuring bit set for a measurement's duration on the hub's clock (the datasheet's
/// typical time for the oversampling written, unless set_measurement_time() says otherwise), data
/// registers updated when a measurement completes. The raw values it reports are worked out from the
/// conditions the test sets with the chip's own calibration (the raw values whose compensation is
/// nearest), so a driver reads them back to within half a step of the chip's ADC: with the default
/// calibration 0.005 degC (the output's 0.01 degC), 0.09 Pa and 0.006 %RH (one raw step is 0.17 Pa
/// and 0.011 %RH there). Attaches itself to the bus; detaches when destroyed.
///
///   pinfiber::bus::MockI2cBus bus;
///   pinfiber::devices::MockBme280 air(bus, 0x76);  air.set_conditions(21.5, 1013.25, 40.0);
///   EXPECT_NEAR(pinfiber::devices::Bme280(bus).read().temperature, 21.5, 0.005);
class MockBme280 : public bus::MockI2cRegisters {
 public:
  explicit MockBme280(bus::MockI2cBus& bus, std::uint16_t address = 0x76,
                      const Bme280Calibration& calibration = Bme280Calibration::datasheet_example());
  ~MockBme280() override;
  MockBme280(const MockBme280&) = delete;
  MockBme280& operator=(const MockBme280&) = delete;

  /// The air the next measurements report: degC, hPa, %RH. Throws pinfiber::Error (EINVAL) outside
  /// the chip's range (-40..85 degC, 300..1100 hPa, 0..100 %RH).
  void set_conditions(double temperature, double pressure, double humidity);
  /// The raw values the next measurements report, exactly.
  void set_raw(const Bme280Raw& raw) { raw_ = raw; }
  const Bme280Raw& raw() const { return raw_; }
  /// What register 0xd0 says: 0x60 (a BME280), 0x58 to play a BMP280.
  void set_chip_id(std::uint8_t id) { regs_[0xd0] = id; }
  /// How long a measurement takes from the write to ctrl_meas; default (zero): the datasheet's
  /// typical time for the oversampling set (Appendix B: 1 + 2 T + 2 P + 0.5 + 2 H + 0.5 ms).
  void set_measurement_time(TimeSpan d) { measurement_time_ = d; }
  /// How long status.im_update stays set after a soft reset (default 1 ms).
  void set_startup_time(TimeSpan d) { startup_time_ = d; }

  /// Measurements completed so far, and soft resets received.
  unsigned measurements() const { return measurements_; }
  unsigned resets() const { return resets_; }
  /// The chip's mode now: 0 sleep, 1 forced, 3 normal (ctrl_meas.mode as it would read back).
  unsigned mode();
  const Bme280Calibration& calibration() const { return calibration_; }

 protected:
  std::uint8_t read_register(std::uint8_t reg) override;
  void write_register(std::uint8_t reg, std::uint8_t value) override;

 private:
  void power_on_state();
  void update();               // completes what the clock says is complete
  void latch(unsigned count);  // `count` measurements ended: the results into the data registers
  Duration typical_time() const;

  bus::MockI2cBus& bus_;
  std::uint16_t address_;
  Bme280Calibration calibration_;
  Bme280Raw raw_;
  Duration measurement_time_ = Duration::zero();
  Duration startup_time_ = std::chrono::milliseconds(1);
  TimePoint nvm_done_{};
  bool measuring_ = false;
  TimePoint done_at_{};
  TimePoint normal_start_{};
  std::uint64_t normal_latched_ = 0;
  unsigned measurements_ = 0;
  unsigned resets_ = 0;
};

}  // namespace pinfiber::devices
