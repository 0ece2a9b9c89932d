#pragma once
// W1Bus: the 1-Wire devices the kernel's w1 subsystem found (/sys/bus/w1/devices), and their
// w1_slave files, which is how the kernel's family drivers (w1_therm for the DS18B20) answer.

#include <string>
#include <vector>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::bus {

/// The 1-Wire devices of a system through sysfs. On a Pi, `dtoverlay=w1-gpio` (BCM 4 by default)
/// makes the master; each device appears as a directory named by its ROM code, family first
/// ("28-0316a2795bff": a DS18B20). `sysfs` is injectable: a test points it at a directory of its
/// own. Listing never blocks; reading a device's w1_slave does - the kernel converts and reads the
/// device while the read(2) waits (750 ms for a 12-bit DS18B20) - so it runs on
/// pinfiber::thread_pool() and blocks only the calling greenlet.
///
///   pinfiber::bus::W1Bus w1;
///   for (const auto& id : w1.devices("28")) std::puts(id.c_str());
class W1Bus {
 public:
  explicit W1Bus(std::string sysfs = "/sys/bus/w1/devices") : sysfs_(std::move(sysfs)) {}

  /// The devices present, sorted, of family `family` (two hex digits: "28") or all of them (""),
  /// the masters' own entries ("w1_bus_master1") left out. Never blocks. Throws BusError if the
  /// directory cannot be read (ENOENT: "enable 1-Wire: dtoverlay=w1-gpio in config.txt").
  std::vector<std::string> devices(const std::string& family = "") const;
  /// The text of device `id`'s w1_slave file, read on the thread pool; blocks the calling greenlet up
  /// to `timeout` (TimeoutError; the kernel's read then ends in the background). Throws BusError
  /// naming the file (ENOENT: the device is gone from the bus).
  std::string read_slave(const std::string& id, TimeSpan timeout = forever) const;
  const std::string& sysfs() const { return sysfs_; }

 private:
  std::string sysfs_;
};

}  // namespace pinfiber::bus
