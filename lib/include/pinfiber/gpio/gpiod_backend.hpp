#pragma once
// The libgpiod 1.6 backend: real chips through /dev/gpiochipN (GPIO character device, uAPI v1).

#include <string>

#include "pinfiber/gpio/backend.hpp"

namespace pinfiber::gpio {

/// Real GPIO chips through libgpiod 1.6 (Debian 12, Raspberry Pi OS bookworm). Every libgpiod call
/// goes through one seam (lib/src/gpio/gpiod_seam.hpp) so tests can inject failures. Kernel
/// debounce needs uAPI v2 (libgpiod 2), so InputLine debounces in software.
///
///   pinfiber::gpio::GpiodBackend gpiod;               // or PINFIBER_GPIO=gpiod
///   pinfiber::gpio::Chip chip("pinctrl-bcm2835", gpiod);
///   auto led = chip.request_output(17);
class GpiodBackend : public Backend {
 public:
  /// `dev_dir`: where the gpiochipN device nodes are (tests point it elsewhere).
  explicit GpiodBackend(std::string dev_dir = "/dev") : dev_dir_(std::move(dev_dir)) {}

  std::string_view name() const override { return "gpiod"; }
  /// The gpiochipN entries of dev_dir, in number order. Never throws for a missing directory.
  std::vector<std::string> chip_names() override;
  /// Opens "gpiochipN" (in dev_dir) or a path. Throws std::system_error with errno.
  std::unique_ptr<ChipBackend> open(std::string_view name_or_path) override;

  /// libgpiod's version ("1.6.3").
  static std::string library_version();

 private:
  std::string dev_dir_;
};

}  // namespace pinfiber::gpio
