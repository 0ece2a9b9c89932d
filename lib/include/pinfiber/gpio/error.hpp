#pragma once
// The error every GPIO operation throws.

#include <string>

#include "pinfiber/error.hpp"

namespace pinfiber::gpio {

/// A failed GPIO operation: a pinfiber::Error carrying the errno, whose what() names the action,
/// the chip and the line, the errno's text, and a hint where there is one:
///   "request line 17 on gpiochip0: Device or resource busy (held by 'other-app')"
///   "open chip '/dev/gpiochip0': Permission denied (add the user to the 'gpio' group, or a udev rule ...)"
/// Compare code() with std::errc values to react to a cause.
class GpioError : public Error {
 public:
  /// `action` is what was attempted on what ("request line 17 on gpiochip0"); `detail`, if any, is
  /// appended in parentheses after the errno's text.
  GpioError(int err, const std::string& action, const std::string& detail = {}) : Error(err, action, detail) {}
};

}  // namespace pinfiber::gpio
