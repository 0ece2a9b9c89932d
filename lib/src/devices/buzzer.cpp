#include "pinfiber/devices/buzzer.hpp"

namespace pinfiber::devices {

namespace {
gpio::LedOptions led_options(const BuzzerOptions& o) {
  return {.active_high = o.active_high, .initially_lit = o.initially_on, .consumer = "pinfiber-buzzer"};
}
}  // namespace

Buzzer::Buzzer(unsigned bcm, const BuzzerOptions& options) : out_(bcm, led_options(options)) {}
Buzzer::Buzzer(gpio::Chip& chip, unsigned offset, const BuzzerOptions& options)
    : out_(chip, offset, led_options(options)) {}

}  // namespace pinfiber::devices
