// Backend defaults (the "may" overrides) and the choice of the default backend.

#include "pinfiber/gpio/backend.hpp"

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "gpio/state.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/gpio/board.hpp"
#include "pinfiber/gpio/error.hpp"
#include "pinfiber/gpio/gpiod_backend.hpp"
#include "pinfiber/gpio/mock_backend.hpp"

namespace pinfiber::gpio {

std::optional<unsigned> ChipBackend::find_line(std::string_view name) {
  const unsigned n = info().num_lines;
  for (unsigned i = 0; i < n; ++i)
    if (line_info(i).name == name) return i;
  return std::nullopt;
}

std::unique_ptr<ChipBackend> Backend::open_by_label(std::string_view label) {
  for (const auto& name : chip_names()) {
    std::unique_ptr<ChipBackend> chip;
    try {
      chip = open(name);
    } catch (const std::system_error&) {
      continue;  // a chip we may not open cannot be the one; the others may still match
    }
    if (chip->info().label == label) return chip;
  }
  return nullptr;
}

namespace {

std::unique_ptr<Backend> make_backend(std::string_view name) {
  if (name == "gpiod") return std::make_unique<GpiodBackend>();
  if (name == "mock") {
    const Board* b = detect_board();
    return std::make_unique<MockBackend>(b ? *b : boards::raspberry_pi_zero_w());
  }
  throw GpioError(EINVAL, "choose the GPIO backend '" + std::string(name) + "'", "the choices are 'gpiod' and 'mock'");
}

detail::GpioDefaults& defaults() { return hub().service<detail::GpioDefaults>(); }

}  // namespace

Backend& default_backend() {
  detail::GpioDefaults& d = defaults();
  if (d.chosen) return *d.chosen;
  if (const char* env = std::getenv("PINFIBER_GPIO"); env && *env) {
    d.owned = make_backend(env);
  } else if (!GpiodBackend().chip_names().empty()) {
    d.owned = make_backend("gpiod");
  } else {
    // Never a silent fall back to a simulation: a daemon in a container without the device would
    // "work" while controlling nothing (gpiozero raises BadPinFactory here too).
    throw GpioError(ENODEV, "choose the default GPIO backend",
                    "there is no /dev/gpiochip*: no GPIO hardware, or a container without the device; "
                    "to run on a simulated Raspberry Pi Zero W choose the mock: PINFIBER_GPIO=mock, or "
                    "pinfiber::gpio::use_backend(\"mock\")");
  }
  d.chosen = d.owned.get();
  return *d.chosen;
}

void set_default_backend(Backend* backend) {
  detail::GpioDefaults& d = defaults();
  d.chip.reset();
  d.chosen = backend;
  if (!backend) d.owned.reset();
}

void use_backend(std::string_view name) {
  detail::GpioDefaults& d = defaults();
  d.chip.reset();
  d.owned = make_backend(name);
  d.chosen = d.owned.get();
}

}  // namespace pinfiber::gpio
