// MockBme280: the register behaviour of BST-BME280-DS002 section 5, timed on the hub's clock and
// worked out lazily: whenever the bus touches a register, the measurements the clock says are over
// are completed first, so the model needs no timer of its own.

#include "pinfiber/devices/mock_bme280.hpp"

#include <cerrno>
#include <cmath>

#include "pinfiber/error.hpp"

namespace pinfiber::devices {

namespace {

constexpr std::uint8_t kStatus = 0xf3, kCtrlHum = 0xf2, kCtrlMeas = 0xf4, kConfig = 0xf5, kReset = 0xe0;

unsigned samples(unsigned code) { return code == 0 ? 0 : 1u << ((code > 5 ? 5 : code) - 1); }

// t_sb codes in milliseconds (Table 27).
double standby_ms(unsigned code) {
  static constexpr double ms[] = {0.5, 62.5, 125, 250, 500, 1000, 10, 20};
  return ms[code & 7];
}

// The raw value in [lo, hi] whose `value(raw)` is nearest `target`, for `value` rising or falling as
// `rising` says. The direction is given, not sampled at the ends: at the far end of the ADC's range
// the pressure formula leaves its domain (1048576 - adc_P near zero) and its unsigned result wraps,
// which would make a falling curve look rising.
template <class F>
std::int32_t search(std::int32_t lo, std::int32_t hi, double target, bool rising, F value) {
  while (hi - lo > 1) {
    const std::int32_t mid = lo + (hi - lo) / 2;
    if ((value(mid) < target) == rising)
      lo = mid;
    else
      hi = mid;
  }
  return std::abs(value(lo) - target) <= std::abs(value(hi) - target) ? lo : hi;
}

}  // namespace

MockBme280::MockBme280(bus::MockI2cBus& bus, std::uint16_t address, const Bme280Calibration& calibration)
    : bus_(bus), address_(address), calibration_(calibration) {
  std::array<std::uint8_t, bme280_calib1_size> b1{};
  std::array<std::uint8_t, bme280_calib2_size> b2{};
  calibration_.encode(b1, b2);
  set(bme280_calib1_register, b1);
  set(bme280_calib2_register, b2);
  regs_[0xd0] = 0x60;
  power_on_state();
  set_conditions(20.0, 1013.25, 50.0);
  bus_.attach(address_, *this);
}

MockBme280::~MockBme280() { bus_.detach(address_); }

void MockBme280::power_on_state() {
  regs_[kCtrlHum] = regs_[kCtrlMeas] = regs_[kConfig] = regs_[kStatus] = 0;
  // The data registers' reset values (Table 18): 0x80000 for pressure and temperature, 0x8000 for
  // humidity.
  const std::uint8_t data[8] = {0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00};
  set(0xf7, data);
  measuring_ = false;
}

void MockBme280::set_conditions(double temperature, double pressure, double humidity) {
  if (!(temperature >= -40 && temperature <= 85) || !(pressure >= 300 && pressure <= 1100) ||
      !(humidity >= 0 && humidity <= 100))
    throw Error::exactly(EINVAL,
                         "set MockBme280 conditions: outside the chip's range (-40..85 degC, 300..1100 "
                         "hPa, 0..100 %RH)");
  Bme280Raw r;
  r.temperature = search(0, (1 << 20) - 1, temperature * 100, true, [&](std::int32_t adc) {
    return static_cast<double>(calibration_.compensate({adc, 0x80000, 0x8000}).temperature);
  });
  r.pressure = search(0, (1 << 20) - 1, pressure * 25600, false, [&](std::int32_t adc) {
    return static_cast<double>(calibration_.compensate({r.temperature, adc, 0x8000}).pressure);
  });
  r.humidity = search(0, (1 << 16) - 1, humidity * 1024, true, [&](std::int32_t adc) {
    return static_cast<double>(calibration_.compensate({r.temperature, r.pressure, adc}).humidity);
  });
  raw_ = r;
}

Duration MockBme280::typical_time() const {
  if (measurement_time_ > Duration::zero()) return measurement_time_;
  const unsigned t = samples(regs_[kCtrlMeas] >> 5), p = samples((regs_[kCtrlMeas] >> 2) & 7),
                 h = samples(regs_[kCtrlHum] & 7);
  double ms = 1.0 + 2.0 * t;
  if (p) ms += 2.0 * p + 0.5;
  if (h) ms += 2.0 * h + 0.5;
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

void MockBme280::latch(unsigned count) {
  const unsigned t = regs_[kCtrlMeas] >> 5, p = (regs_[kCtrlMeas] >> 2) & 7, h = regs_[kCtrlHum] & 7;
  const std::int32_t adc_p = p ? raw_.pressure : 0x80000, adc_t = t ? raw_.temperature : 0x80000,
                     adc_h = h ? raw_.humidity : 0x8000;
  regs_[0xf7] = static_cast<std::uint8_t>(adc_p >> 12);
  regs_[0xf8] = static_cast<std::uint8_t>(adc_p >> 4);
  regs_[0xf9] = static_cast<std::uint8_t>((adc_p & 0xf) << 4);
  regs_[0xfa] = static_cast<std::uint8_t>(adc_t >> 12);
  regs_[0xfb] = static_cast<std::uint8_t>(adc_t >> 4);
  regs_[0xfc] = static_cast<std::uint8_t>((adc_t & 0xf) << 4);
  regs_[0xfd] = static_cast<std::uint8_t>(adc_h >> 8);
  regs_[0xfe] = static_cast<std::uint8_t>(adc_h & 0xff);
  measurements_ += count;
}

void MockBme280::update() {
  const TimePoint now = Clock::now();
  const unsigned m = regs_[kCtrlMeas] & 3;
  if (m == 3) {
    // Normal mode: a measurement, a standby, a measurement... from the write that started it.
    const Duration t = typical_time();
    const Duration cycle = t + std::chrono::duration_cast<Duration>(
                                   std::chrono::duration<double, std::milli>(standby_ms(regs_[kConfig] >> 5)));
    const Duration since = now - normal_start_;
    std::uint64_t done = 0;
    if (since < t) {
      measuring_ = true;
    } else {
      done = 1 + static_cast<std::uint64_t>((since - t) / cycle);
      measuring_ = (since - t) % cycle >= cycle - t;  // past the standby: the next one is under way
    }
    if (done > normal_latched_) {
      // Every measurement the clock says ended since the bus last looked counts; the registers
      // hold the last one's results.
      latch(static_cast<unsigned>(done - normal_latched_));
      normal_latched_ = done;
    }
  } else if (measuring_ && now >= done_at_) {
    measuring_ = false;
    latch(1);
    regs_[kCtrlMeas] &= 0xfc;  // a forced measurement ends in sleep mode (3.3.3)
  }
}

unsigned MockBme280::mode() {
  update();
  return regs_[kCtrlMeas] & 3;
}

std::uint8_t MockBme280::read_register(std::uint8_t reg) {
  update();
  if (reg == kStatus) {
    std::uint8_t s = measuring_ ? 0x08 : 0;
    if (Clock::now() < nvm_done_) s |= 0x01;
    return s;
  }
  return regs_[reg];
}

void MockBme280::write_register(std::uint8_t reg, std::uint8_t value) {
  update();
  switch (reg) {
    case kReset:
      if (value == 0xb6) {  // the only word that resets (5.4.2)
        ++resets_;
        power_on_state();
        nvm_done_ = deadline_after(Clock::now(), startup_time_);
      }
      return;
    case kCtrlHum: regs_[kCtrlHum] = value & 0x07; return;
    case kCtrlMeas: {
      regs_[kCtrlMeas] = value;
      const unsigned m = value & 3;
      if (m == 1 || m == 2) {  // forced (both codes mean forced, Table 25)
        regs_[kCtrlMeas] = static_cast<std::uint8_t>((value & 0xfc) | 1);
        measuring_ = true;
        done_at_ = deadline_after(Clock::now(), typical_time());
      } else if (m == 3) {
        normal_start_ = Clock::now();
        normal_latched_ = 0;
        measuring_ = true;
      } else {
        measuring_ = false;
      }
      return;
    }
    case kConfig: regs_[kConfig] = value & 0xfd; return;
    default: return;  // read-only: id, calibration, status, data
  }
}

}  // namespace pinfiber::devices
