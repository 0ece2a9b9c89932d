#pragma once
// The libgpiod backend: real chips through /dev/gpiochipN (the kernel's GPIO character device), on
// libgpiod 1.6 (uAPI v1) or libgpiod 2 (uAPI v2), whichever this build of pinfiber was made with.

#include <string>

#include "pinfiber/gpio/backend.hpp"

namespace pinfiber::gpio {

/// Real GPIO chips through libgpiod. Each build of pinfiber has exactly one libgpiod - the two
/// export clashing symbols - chosen when it is configured (PINFIBER_GPIOD=auto|1|2):
///  - libgpiod 1.6 (Debian 12, Raspberry Pi OS Bookworm): multi-line requests; debounce and
///    lost-edge detection are done by pinfiber in software (Capabilities say so).
///  - libgpiod 2 (Debian 13, Raspberry Pi OS Trixie): kernel debounce, event sequence numbers (lost
///    edges counted exactly), multi-line requests, monotonic/realtime/HTE event clocks.
/// Programs are written the same way for both. Every libgpiod call goes through one seam
/// (lib/src/gpio/gpiod_seam.hpp, gpiod2_seam.hpp) so tests can inject failures.
///
///   pinfiber::gpio::GpiodBackend gpiod;               // or PINFIBER_GPIO=gpiod
///   pinfiber::gpio::Chip chip("pinctrl-bcm2835", gpiod);
///   auto led = chip.request_output(17);
class GpiodBackend : public Backend {
 public:
  /// `dev_dir`: where the gpiochipN device nodes are (tests point it elsewhere).
  explicit GpiodBackend(std::string dev_dir = "/dev") : dev_dir_(std::move(dev_dir)) {}

  std::string_view name() const override { return "gpiod"; }
  /// What this build's libgpiod does by itself (see the class comment).
  Capabilities capabilities() const override;
  /// The gpiochipN entries of dev_dir, in number order. Never throws for a missing directory.
  std::vector<std::string> chip_names() override;
  /// Opens "gpiochipN" (in dev_dir) or a path. Throws std::system_error with errno.
  std::unique_ptr<ChipBackend> open(std::string_view name_or_path) override;

  /// libgpiod's version, as the library loaded at run time reports it ("1.6.3", "2.2.1").
  static std::string library_version();
  /// The libgpiod major version this build of pinfiber was compiled against: 1 or 2.
  static int api_version();

 private:
  std::string dev_dir_;
};

}  // namespace pinfiber::gpio
