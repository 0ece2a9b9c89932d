#pragma once
// The error every bus operation (I2C, SPI, 1-Wire, PWM) throws when it fails; an operation that runs
// past its timeout throws pinfiber::TimeoutError instead.

#include <string>

#include "pinfiber/error.hpp"

namespace pinfiber::bus {

/// A failed bus operation: a pinfiber::Error carrying the errno, whose what() names the action, the
/// device and the bus, the errno's text, and a hint where there is one:
///   "read register 0xd0 of 0x76 on /dev/i2c-1: Remote I/O error (nothing acknowledged address 0x76)"
///   "open /dev/spidev0.0: No such file or directory (enable SPI: dtparam=spi=on in config.txt)"
/// Compare code() with std::errc values to react to a cause.
///
///   try { bme.read(); }
///   catch (const pinfiber::bus::BusError& e) { log(e.what()); }   // wiring, address, permissions
///   catch (const pinfiber::TimeoutError& e) { ... }               // the device did not answer in time
class BusError : public Error {
 public:
  /// `action` is what was attempted on what ("read register 0xd0 of 0x76 on /dev/i2c-1"); `detail`,
  /// if any, is appended in parentheses after the errno's text.
  BusError(int err, const std::string& action, const std::string& detail = {}) : Error(err, action, detail) {}
  /// A failure that is not the OS's (a bad reply, a value out of range): what() is `what`, with the
  /// errno `err` (EINVAL, EPROTO, ...) in code().
  static BusError exactly(int err, std::string what) { return BusError(Verbatim{}, err, std::move(what)); }

 private:
  BusError(Verbatim v, int err, std::string what)
      : Error(v, std::error_code(err, std::generic_category()), std::move(what)) {}
};

}  // namespace pinfiber::bus
