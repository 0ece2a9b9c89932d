#pragma once
// How a line is requested: direction-specific settings for inputs and outputs.

#include <cstdint>
#include <string>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/gpio/edge_event.hpp"

namespace pinfiber::gpio {

/// Internal pull resistor of an input (or of an open-drain/source output).
enum class Bias : std::uint8_t {
  as_is,    // leave whatever the firmware or a previous user set
  disable,  // no pull: the line floats unless driven
  pull_up,
  pull_down,
};

/// How an output drives its line.
enum class Drive : std::uint8_t {
  push_pull,    // drives both levels
  open_drain,   // drives low, lets the line float (to a pull-up) for high
  open_source,  // drives high, lets the line float (to a pull-down) for low
};

/// Whether a line is an input or an output (as the kernel reports it in LineInfo).
enum class Direction : std::uint8_t { input, output };

/// The clock that timestamps a line's edge events (uAPI v2's event clock).
enum class EventClock : std::uint8_t {
  monotonic,  // CLOCK_MONOTONIC: the hub's clock, so timestamps compare with Clock::now() (default)
  realtime,   // CLOCK_REALTIME: wall-clock time, for logs shared with other machines (libgpiod 2)
  hte,        // a hardware timestamp engine (Linux 6.0+, and only on SoCs with one - none on a Pi)
};

/// "monotonic", "realtime", "hte".
const char* to_string(EventClock c);

/// Settings of an input request.
struct InputSettings {
  /// Which edges produce events (wait_edge, handlers). Edge::none: the line can only be read.
  Edge edge = Edge::both;
  Bias bias = Bias::as_is;
  /// Inverts the logical value: a button to ground with a pull-up is active-low (pressed = 1).
  bool active_low = false;
  /// Debounce: an edge is reported once the level has been stable this long. Done by the kernel
  /// where the backend can ask it to (libgpiod 2: debounce_period_us, whole microseconds), else in
  /// software by pinfiber (libgpiod 1.6); Chip::capabilities() says which. Zero: every edge is
  /// reported at once.
  TimeSpan debounce = Duration::zero();
  /// Which clock stamps the events (EdgeEvent::timestamp_ns). Anything but monotonic needs a backend
  /// that offers it (Chip::capabilities()); requesting it elsewhere fails with EOPNOTSUPP.
  EventClock clock = EventClock::monotonic;
  /// Who holds the line, as other programs see it (gpioinfo, "held by" in errors).
  std::string consumer = "pinfiber";
  /// Allows a line that is not on the board's 40-pin header (BCM 28-53 on a Pi Zero W: the SD card,
  /// Wi-Fi, Bluetooth, camera and HDMI lines, wired to the SoC's own functions - reconfiguring one can
  /// cut the SD card or the Wi-Fi off). Without it such a request fails with GpioError(EPERM) naming
  /// the header's GPIOs. Checked only where the chip's board is known (Chip::board()).
  bool off_header = false;
};

/// Settings of an output request.
struct OutputSettings {
  /// The logical value the line takes at once when requested.
  bool initial_value = false;
  Drive drive = Drive::push_pull;
  Bias bias = Bias::as_is;
  bool active_low = false;
  std::string consumer = "pinfiber";
  /// As InputSettings::off_header: allows a line that is not on the board's 40-pin header.
  bool off_header = false;
};

}  // namespace pinfiber::gpio
