#pragma once
// Ds18b20: Maxim's DS18B20 1-Wire thermometer, through the kernel's w1_therm driver.

#include <string>

#include "pinfiber/bus/w1.hpp"
#include "pinfiber/core/clock.hpp"

namespace pinfiber::devices {

/// How a Ds18b20 reads.
struct Ds18b20Options {
  /// The 1-Wire devices directory (injectable for tests).
  std::string sysfs = "/sys/bus/w1/devices";
  /// The default timeout of a reading: a 12-bit conversion takes 750 ms (datasheet Table 2), a read
  /// that the kernel retries after a CRC error twice that.
  TimeSpan timeout = std::chrono::seconds(3);
  /// A reading of exactly 85.000 degC is the scratchpad's power-on value (datasheet, Table 1 note):
  /// what a sensor that lost power or never converted answers. It is read once more, and a second
  /// 85.000 is an error - unless this is set, for a sensor that may really be that hot.
  bool accept_85 = false;
};

/// One DS18B20. A reading blocks only the calling greenlet (the kernel's conversion runs on the
/// thread pool, see bus::W1Bus). The driver checks the scratchpad's CRC itself as well as the
/// kernel's verdict: "crc=.. NO" (noise on a long wire, a weak pull-up) is a BusError EIO naming the
/// sensor. Failures: BusError naming the sensor and the file; TimeoutError.
///
///   pinfiber::devices::Ds18b20 probe;                        // the only DS18B20 on the bus
///   std::printf("%.3f C\n", probe.temperature());
class Ds18b20 {
 public:
  /// The DS18B20 with ROM id `id` ("28-0316a2795bff"), or with an empty id the only one on the bus
  /// (BusError ENODEV if none, EEXIST naming them if several). Never blocks.
  explicit Ds18b20(const std::string& id = "", const Ds18b20Options& options = {});

  /// Degrees Celsius, to 1/16 degC (12 bits). Blocks the calling greenlet up to `timeout`.
  double temperature(TimeSpan timeout = object_timeout);
  const std::string& id() const { return id_; }

 private:
  double read_once(TimePoint deadline);
  bus::W1Bus bus_;
  std::string id_;
  Duration timeout_;
  bool accept_85_;
};

/// Parses a w1_therm w1_slave text (two lines: the scratchpad's nine bytes with the kernel's "crc=xx
/// YES|NO", then the same bytes with "t=<millidegrees>") into degrees Celsius from the scratchpad's
/// bytes (exact to 1/16 degC, which t= truncates), checking the kernel's CRC verdict and the CRC
/// itself. `what` names the sensor in errors. Throws BusError EIO (CRC), EPROTO (malformed).
double parse_w1_therm(const std::string& text, const std::string& what);

}  // namespace pinfiber::devices
