#include "pinfiber/gpio/error.hpp"

#include <cstring>
#include <system_error>

#include "gpio/state.hpp"
#include "pinfiber/gpio/edge_event.hpp"

namespace pinfiber::gpio {

const char* to_string(Edge e) {
  switch (e) {
    case Edge::none: return "none";
    case Edge::rising: return "rising";
    case Edge::falling: return "falling";
    case Edge::both: return "both";
  }
  return "?";
}

namespace detail {

[[noreturn]] void rethrow_as_gpio_error(const std::string& action) {
  try {
    throw;
  } catch (const GpioError&) {
    throw;
  } catch (const std::system_error& e) {
    const int err = e.code().value();
    // The usual cause on a Pi: the user is not in the gpio group (Raspberry Pi OS ships a udev rule
    // giving that group /dev/gpiochip*; other distributions need one).
    if (err == EACCES || err == EPERM) {
      throw GpioError(err, action,
                      "add the user to the 'gpio' group, or add a udev rule such as SUBSYSTEM==\"gpio\", "
                      "GROUP=\"gpio\", MODE=\"0660\"");
    }
    throw GpioError(err, action);
  }
}

void ChipState::check_offset(unsigned offset, const char* action) const {
  if (offset >= info.num_lines) {
    throw GpioError(EINVAL, std::string(action) + " " + line_description(offset),
                    "offset out of range: " + info.name + " has " + std::to_string(info.num_lines) + " lines");
  }
}

std::unique_ptr<LineRequest> ChipState::request(unsigned offset, const LineConfig& config) {
  const std::string action = "request " + line_description(offset);
  check_offset(offset, "request");
  try {
    return chip->request(offset, config);
  } catch (const std::system_error& e) {
    if (e.code().value() == EBUSY) {
      std::string holder;
      try {
        holder = chip->line_info(offset).consumer;
      } catch (const std::system_error&) {
        // The holder is a nicety; the EBUSY is what matters.
      }
      throw GpioError(EBUSY, action, holder.empty() ? "held by another consumer" : "held by '" + holder + "'");
    }
    rethrow_as_gpio_error(action);
  }
}

}  // namespace detail
}  // namespace pinfiber::gpio
