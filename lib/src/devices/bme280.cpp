// Bme280: the register map and the measurement cycle of BST-BME280-DS002 (section 5: memory map;
// 3.3: sensor modes; Appendix B: measurement time).

#include "pinfiber/devices/bme280.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "pinfiber/bus/error.hpp"
#include "pinfiber/core/sleep.hpp"

namespace pinfiber::devices {

namespace {

// Registers (datasheet Table 18, "Memory map").
constexpr std::uint8_t kId = 0xd0;
constexpr std::uint8_t kReset = 0xe0;
constexpr std::uint8_t kCtrlHum = 0xf2;
constexpr std::uint8_t kStatus = 0xf3;
constexpr std::uint8_t kCtrlMeas = 0xf4;
constexpr std::uint8_t kConfig = 0xf5;
constexpr std::uint8_t kData = 0xf7;  // press_msb ... hum_lsb: 8 bytes read in one burst (section 4)
constexpr std::uint8_t kResetWord = 0xb6;
constexpr std::uint8_t kStatusMeasuring = 0x08;
constexpr std::uint8_t kStatusImUpdate = 0x01;
// Start-up time after power-on or a soft reset (Table 1, t_startup: 2 ms max).
constexpr auto kStartup = std::chrono::milliseconds(2);
// How often the status register is asked once the expected time is up.
constexpr auto kPoll = std::chrono::milliseconds(1);

Duration remaining(TimePoint deadline) {
  if (deadline == TimePoint::max()) return forever;
  const TimePoint now = Clock::now();
  return deadline > now ? deadline - now : Duration::zero();
}

unsigned samples(Bme280Oversampling o) {
  return o == Bme280Oversampling::skip ? 0 : 1u << (static_cast<unsigned>(o) - 1);
}

// config.t_sb (Table 27): the code whose standby time is nearest `d`.
std::uint8_t standby_code(Duration d) {
  static constexpr struct {
    std::uint8_t code;
    double ms;
  } codes[] = {{0, 0.5}, {6, 10}, {7, 20}, {1, 62.5}, {2, 125}, {3, 250}, {4, 500}, {5, 1000}};
  const double want = std::chrono::duration<double, std::milli>(d).count();
  std::uint8_t best = 5;
  double best_diff = 1e300;
  for (const auto& c : codes) {
    if (std::abs(c.ms - want) < best_diff) best_diff = std::abs(c.ms - want), best = c.code;
  }
  return best;
}

std::string seconds_text(Duration d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "after %.3f s", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

Bme280::Bme280(bus::I2cBus& bus, std::uint16_t address, const Bme280Options& options)
    : bus_(bus), address_(address), options_(options) {
  if (options_.temperature == Bme280Oversampling::skip)
    throw Error::exactly(EINVAL, "set up " + description() +
                                     ": temperature oversampling cannot be skip (pressure and humidity need it)");
  const Duration limit = options_.timeout;
  const TimePoint deadline = deadline_in(limit);
  const std::uint8_t id = bus_.read_byte_data(address_, kId, remaining(deadline));
  if (id != chip_id_value) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%02x", id);
    std::string what = "open " + description() + ": chip id " + buf;
    if (id == 0x58)
      what += " is a BMP280, which measures no humidity (a BME280 says 0x60)";
    else
      what += ", not a BME280's 0x60";
    throw bus::BusError::exactly(ENODEV, what);
  }
  // A soft reset puts the chip in a known state (sleep mode, default settings) whatever a previous
  // program left; it then copies its calibration from NVM, which status.im_update shows.
  bus_.write_byte_data(address_, kReset, kResetWord, remaining(deadline));
  pinfiber::sleep(kStartup);
  while (bus_.read_byte_data(address_, kStatus, remaining(deadline)) & kStatusImUpdate) {
    if (Clock::now() >= deadline)
      throw TimeoutError("wait for " + description() + " to load its calibration (status register 0xf3)",
                         seconds_text(limit));
    pinfiber::sleep(std::min<Duration>(kPoll, remaining(deadline)));
  }
  std::array<std::uint8_t, bme280_calib1_size> b1{};
  std::array<std::uint8_t, bme280_calib2_size> b2{};
  bus_.read_block(address_, bme280_calib1_register, b1, remaining(deadline));
  bus_.read_block(address_, bme280_calib2_register, b2, remaining(deadline));
  calibration_ = Bme280Calibration::decode(b1, b2);
  // config first, while the chip sleeps: in normal mode the chip may ignore writes to it (5.4.6).
  bus_.write_byte_data(
      address_, kConfig,
      static_cast<std::uint8_t>(standby_code(options_.standby) << 5 | static_cast<std::uint8_t>(options_.filter) << 2),
      remaining(deadline));
  // ctrl_hum takes effect only with the next write of ctrl_meas (5.4.3).
  bus_.write_byte_data(address_, kCtrlHum, static_cast<std::uint8_t>(options_.humidity), remaining(deadline));
  if (options_.mode == Bme280Mode::normal) {
    bus_.write_byte_data(address_, kCtrlMeas, ctrl_meas(false), remaining(deadline));
    // The first measurement completes one measurement time from now.
    pinfiber::sleep(measurement_time());
  }
}

std::string Bme280::description() const {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", address_);
  return std::string("BME280 at ") + buf + " on " + bus_.name();
}

std::uint8_t Bme280::ctrl_meas(bool forced) const {
  const std::uint8_t mode = forced ? 0x01 : 0x03;
  return static_cast<std::uint8_t>(static_cast<std::uint8_t>(options_.temperature) << 5 |
                                   static_cast<std::uint8_t>(options_.pressure) << 2 | mode);
}

Duration Bme280::measurement_time() const {
  const unsigned t = samples(options_.temperature), p = samples(options_.pressure), h = samples(options_.humidity);
  double ms = 1.25 + 2.3 * t;
  if (p) ms += 2.3 * p + 0.575;
  if (h) ms += 2.3 * h + 0.575;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

Duration Bme280::resolve(TimeSpan timeout) const {
  return timeout.duration() == object_timeout ? options_.timeout.duration() : timeout.duration();
}

Bme280Reading Bme280::read(TimeSpan timeout) {
  const Duration limit = resolve(timeout);
  const TimePoint deadline = deadline_in(limit);
  if (!lock_.acquire(remaining(deadline)))
    throw TimeoutError("read " + description(), seconds_text(limit) + " waiting for another greenlet's read");
  struct Release {
    Lock& lock;
    ~Release() { lock.release(); }
  } release{lock_};
  if (options_.mode == Bme280Mode::forced) {
    bus_.write_byte_data(address_, kCtrlHum, static_cast<std::uint8_t>(options_.humidity), remaining(deadline));
    bus_.write_byte_data(address_, kCtrlMeas, ctrl_meas(true), remaining(deadline));
    // Sleep through the conversion on the hub (other greenlets run), then make sure it is done.
    const TimePoint expected = deadline_in(measurement_time());
    if (expected > deadline) {
      pinfiber::sleep(remaining(deadline));
      throw TimeoutError("read " + description() + ": the measurement takes longer than the timeout",
                         seconds_text(limit));
    }
    pinfiber::sleep(measurement_time());
    while (bus_.read_byte_data(address_, kStatus, remaining(deadline)) & kStatusMeasuring) {
      if (Clock::now() >= deadline)
        throw TimeoutError("read " + description() + ": wait for the measurement (status register 0xf3)",
                           seconds_text(limit));
      pinfiber::sleep(std::min<Duration>(kPoll, remaining(deadline)));
    }
  }
  // One burst over all data registers: the chip keeps them consistent during a burst (section 4).
  std::uint8_t d[8];
  bus_.read_block(address_, kData, d, remaining(deadline));
  Bme280Reading r;
  r.raw.pressure = (d[0] << 12) | (d[1] << 4) | (d[2] >> 4);
  r.raw.temperature = (d[3] << 12) | (d[4] << 4) | (d[5] >> 4);
  r.raw.humidity = (d[6] << 8) | d[7];
  r.fixed = calibration_.compensate(r.raw);
  r.temperature = r.fixed.temperature / 100.0;
  r.pressure = options_.pressure == Bme280Oversampling::skip ? std::numeric_limits<double>::quiet_NaN()
                                                             : r.fixed.pressure / 25600.0;
  r.humidity = options_.humidity == Bme280Oversampling::skip ? std::numeric_limits<double>::quiet_NaN()
                                                             : r.fixed.humidity / 1024.0;
  return r;
}

}  // namespace pinfiber::devices
