#pragma once
// Mcp3008: Microchip's MCP3008, an 8-channel 10-bit ADC on SPI (gpiozero's MCP3008).

#include <cstdint>

#include "pinfiber/bus/spi_bus.hpp"
#include "pinfiber/core/clock.hpp"

namespace pinfiber::devices {

/// How an Mcp3008 channel is read.
struct Mcp3008Options {
  /// false: the channel against ground; true: the pair (0-1, 2-3, 4-5, 6-7) as + and -, `channel`
  /// being the + input (datasheet Table 5-2).
  bool differential = false;
  /// The reference voltage: what value() 1 stands for (gpiozero's default 3.3 V, the Pi's rail).
  double max_voltage = 3.3;
  TimeSpan timeout = std::chrono::seconds(1);
};

/// One channel of an MCP3008. A reading is one 3-byte full-duplex transfer (datasheet section 6.1,
/// figure 6-1: a start bit, SGL/DIFF and D2-D0, then the 10-bit result): 24 us at 1 MHz, run
/// inline. The chip is specified up to 3.6 MHz at 5 V and 1.35 MHz at 2.7 V; on a Pi's 3.3 V, 1 MHz
/// is safe. Mode 0 (or 3). Every reading blocks only the calling greenlet, up to its timeout.
/// Errors: BusError naming the channel and the bus, TimeoutError; pinfiber::Error EINVAL for a
/// channel above 7.
///
///   pinfiber::bus::SpiDev spi(0, 0, {.settings = {.speed_hz = 1'000'000}});
///   pinfiber::devices::Mcp3008 pot(spi, 0);
///   led.set_value(pot.value());
class Mcp3008 {
 public:
  Mcp3008(bus::SpiBus& bus, unsigned channel = 0, const Mcp3008Options& options = {});

  /// The conversion's 10 bits, 0..1023.
  unsigned raw_value(TimeSpan timeout = object_timeout);
  /// raw_value() / 1023: 0..1 (differential: 0 when - is above +, as the chip clamps).
  double value(TimeSpan timeout = object_timeout) { return raw_value(timeout) / 1023.0; }
  /// value() * max_voltage.
  double voltage(TimeSpan timeout = object_timeout) { return value(timeout) * max_voltage_; }
  unsigned channel() const { return channel_; }
  bool differential() const { return differential_; }

 private:
  bus::SpiBus& bus_;
  unsigned channel_;
  bool differential_;
  double max_voltage_;
  Duration timeout_;
};

}  // namespace pinfiber::devices
