#pragma once
// Board descriptions: which chip carries the 40-pin header, its line names, and the header's map of
// physical pins to BCM GPIO numbers, power, ground and bus functions. Tables as data
// (lib/src/gpio/boards/raspberry_pi.cpp is the one source; `pinout <board>` prints them).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/gpio/line_settings.hpp"

namespace pinfiber::gpio {

/// What sits on one physical pin of a header.
enum class PinKind : std::uint8_t { gpio, power_3v3, power_5v, ground };

/// One physical pin of the header.
struct HeaderPin {
  unsigned physical = 0;  // 1..40, odd numbers on the inner row
  PinKind kind = PinKind::gpio;
  int bcm = -1;               // BCM GPIO number (= line offset on the header chip), -1 if none
  std::string_view function;  // bus function by default or by convention: "I2C1 SDA", "UART0 TXD", ...
};

/// A board: a Raspberry Pi model, as far as GPIO is concerned.
///
///   const auto& b = pinfiber::gpio::boards::raspberry_pi_zero_w();
///   pinfiber::gpio::Chip chip(b);                     // opens "pinctrl-bcm2835"
///   auto led = chip.request_output(b.physical_to_bcm(11).value());   // physical 11 = BCM 17
struct Board {
  std::string_view name;                         // "Raspberry Pi Zero W"
  std::string_view id;                           // "pi-zero-w": for pinout and PINFIBER_BOARD
  std::vector<std::string_view> model_prefixes;  // /proc/device-tree/model prefixes that mean this board
  std::string_view soc;                          // "BCM2835"
  std::string_view chip_label;                   // label of the header's GPIO chip: "pinctrl-bcm2835"
  unsigned num_lines = 0;                        // lines of that chip
  std::vector<std::string> line_names;           // the device tree's names (upstream kernel), by offset
  std::vector<HeaderPin> header;                 // 40 entries, physical 1..40
  std::vector<Bias> default_pulls;               // pull of each BCM GPIO 0..27 after reset

  /// The header pin at `physical` (1..40), or null.
  const HeaderPin* pin(unsigned physical) const;
  /// The BCM number on physical pin `physical`, if it is a GPIO.
  std::optional<unsigned> physical_to_bcm(unsigned physical) const;
  /// The physical pin carrying BCM GPIO `bcm`, if it is on the header.
  std::optional<unsigned> bcm_to_physical(unsigned bcm) const;
  /// The header pins whose function starts with `bus` ("I2C1", "SPI0", "UART0").
  std::vector<HeaderPin> bus_pins(std::string_view bus) const;
  /// The reset pull of BCM GPIO `bcm` (Bias::as_is when unknown).
  Bias default_pull(unsigned bcm) const;
};

namespace boards {
/// Raspberry Pi Zero W / WH (BCM2835, chip "pinctrl-bcm2835", 54 lines).
const Board& raspberry_pi_zero_w();
/// Raspberry Pi 3 Model B / B+ (BCM2837, same GPIO block as the BCM2835: "pinctrl-bcm2835", 54 lines).
const Board& raspberry_pi_3b();
/// Raspberry Pi 4 Model B (BCM2711, "pinctrl-bcm2711", 58 lines).
const Board& raspberry_pi_4b();
/// Raspberry Pi 5 (the header is on the RP1 south bridge: "pinctrl-rp1", 54 lines).
const Board& raspberry_pi_5();
/// Every board above.
std::span<const Board* const> all();
/// The board whose id is `id` ("pi-zero-w", "pi3b", "pi4b", "pi5"), or null.
const Board* find(std::string_view id);
}  // namespace boards

/// The board this program runs on: PINFIBER_BOARD=<id> if set, else matched from
/// /proc/device-tree/model (read once; `model_path` lets tests point elsewhere). Null when unknown
/// (a PC). Never blocks for long (one small file read).
const Board* detect_board(const char* model_path = "/proc/device-tree/model");
/// The board whose header chip has this label, or null.
const Board* board_for_chip_label(std::string_view label);

}  // namespace pinfiber::gpio
