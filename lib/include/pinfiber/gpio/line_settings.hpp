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

/// Settings of an input request.
struct InputSettings {
  /// Which edges produce events (wait_edge, handlers). Edge::none: the line can only be read.
  Edge edge = Edge::both;
  Bias bias = Bias::as_is;
  /// Inverts the logical value: a button to ground with a pull-up is active-low (pressed = 1).
  bool active_low = false;
  /// Software debounce: an edge is reported once the level has been stable this long (libgpiod 1.6
  /// has no kernel debounce). Zero: every edge is reported at once.
  TimeSpan debounce = Duration::zero();
  /// Who holds the line, as other programs see it (gpioinfo, "held by" in errors).
  std::string consumer = "pinfiber";
};

/// Settings of an output request.
struct OutputSettings {
  /// The logical value the line takes at once when requested.
  bool initial_value = false;
  Drive drive = Drive::push_pull;
  Bias bias = Bias::as_is;
  bool active_low = false;
  std::string consumer = "pinfiber";
};

}  // namespace pinfiber::gpio
