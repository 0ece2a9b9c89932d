// Backend defaults (the "may" overrides) and the choice of the default backend.

#include "pinfiber/gpio/backend.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "pinfiber/gpio/board.hpp"
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

namespace detail {
extern std::atomic<unsigned> default_backend_generation;  // chip.cpp
}

namespace {

Backend* chosen = nullptr;
std::unique_ptr<Backend> owned;

std::unique_ptr<Backend> make_backend(std::string_view name) {
  if (name == "gpiod") return std::make_unique<GpiodBackend>();
  if (name == "mock") {
    const Board* b = detect_board();
    return std::make_unique<MockBackend>(b ? *b : boards::raspberry_pi_zero_w());
  }
  throw std::invalid_argument("GPIO backend '" + std::string(name) + "': not one of 'gpiod', 'mock'");
}

}  // namespace

Backend& default_backend() {
  if (chosen) return *chosen;
  if (const char* env = std::getenv("PINFIBER_GPIO"); env && *env) {
    owned = make_backend(env);
  } else if (!GpiodBackend().chip_names().empty()) {
    owned = make_backend("gpiod");
  } else {
    std::fputs("pinfiber: no /dev/gpiochip* here: using the mock GPIO backend (a Raspberry Pi Zero W)\n", stderr);
    owned = make_backend("mock");
  }
  chosen = owned.get();
  return *chosen;
}

void set_default_backend(Backend* backend) {
  ++detail::default_backend_generation;
  chosen = backend;
  if (!backend) owned.reset();
}

void use_backend(std::string_view name) {
  ++detail::default_backend_generation;
  owned = make_backend(name);
  chosen = owned.get();
}

}  // namespace pinfiber::gpio
