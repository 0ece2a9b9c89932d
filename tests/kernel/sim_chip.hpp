#pragma once
// SimChip: the far side of a gpio-sim chip, through its sysfs files - what the kernel's own gpio-sim
// selftests use to play the outside world. An input is "driven" by setting its simulated pull (the
// level a line takes when nothing in the chip drives it); an output's level is read back.
//
//   SimChip sim(chip.name());                 // the gpio-sim chip that is /dev/gpiochip0
//   sim.drive_high(4);                        // a rising edge on line 4, timestamped by the kernel
//   EXPECT_TRUE(sim.level(17));               // what the program set on its output 17

#include <string>

namespace pinfiber::gpio::testing {

class SimChip {
 public:
  /// The gpio-sim chip that is /dev/`chip_name`. Throws std::runtime_error when that chip is not a
  /// gpio-sim chip (no /sys/devices/platform/gpio-sim.*/`chip_name`).
  explicit SimChip(const std::string& chip_name);

  /// Sets line `offset`'s simulated pull up (high) or down (low). On an input the line follows at
  /// once, and a requested edge is reported; an output is unaffected. Throws std::system_error.
  void drive(unsigned offset, bool high);
  void drive_high(unsigned offset) { drive(offset, true); }
  void drive_low(unsigned offset) { drive(offset, false); }

  /// The line's level as the chip sees it: an output's driven value, an input's (pulled) level.
  bool level(unsigned offset) const;
  /// The simulated pull: "pull-up" or "pull-down" (a request's bias sets it too).
  std::string pull(unsigned offset) const;

  /// /sys/devices/platform/gpio-sim.N/gpiochipM
  const std::string& sysfs_dir() const { return dir_; }

 private:
  std::string attribute(unsigned offset, const char* name) const;
  std::string dir_;
};

}  // namespace pinfiber::gpio::testing
