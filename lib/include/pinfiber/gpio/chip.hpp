#pragma once
// Chip: an open GPIO chip, from which lines are requested.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/gpio/backend.hpp"
#include "pinfiber/gpio/line.hpp"
#include "pinfiber/gpio/line_group.hpp"

namespace pinfiber::gpio {

struct Board;

namespace detail {
struct ChipState;
}

/// An open GPIO chip. Copies share the chip; it closes when the last copy and the last line
/// requested from it are gone.
///
///   pinfiber::gpio::Chip chip("pinctrl-bcm2835");     // by label: survives a Pi 5's renumbering
///   auto button = chip.request_input("GPIO4", {.edge = Edge::both, .bias = Bias::pull_up});
///   auto led = chip.request_output(17);
class Chip {
 public:
  /// Opens a chip by name ("gpiochip0"), number ("0"), path ("/dev/gpiochip0") or label
  /// ("pinctrl-bcm2835"). Never blocks. Throws GpioError: ENOENT/ENODEV for no such chip (listing
  /// the chips there are), EACCES with a hint about the gpio group.
  explicit Chip(std::string_view spec, Backend& backend = default_backend());
  /// Opens the chip that carries `board`'s 40-pin header (looked up by label), falling back to
  /// gpiochip0 when no chip has that label. Throws GpioError as above.
  explicit Chip(const Board& board, Backend& backend = default_backend());

  /// The chip of the default board: the detected Raspberry Pi's header chip, else the chip of the
  /// board a simulation is modelled on (Backend::simulated_board(): the mock's Pi Zero W), else
  /// gpiochip0. Opened once per thread and shared; opened afresh after the default
  /// backend changes (set_default_backend, use_backend).
  static Chip default_chip();

  const std::string& name() const;
  const std::string& label() const;
  const std::string& path() const;
  unsigned num_lines() const;
  /// The board this chip was opened for, or null.
  const Board* board() const;
  /// What the backend does by itself (kernel debounce, sequence numbers, multi-line requests, event
  /// clocks); pinfiber does the rest in software.
  Capabilities capabilities() const;

  /// The kernel's view of line `offset`. Throws GpioError (EINVAL when out of range).
  LineInfo line_info(unsigned offset) const;
  /// The offset of the line called `name`. Device trees disagree on names (downstream "GPIO8",
  /// upstream "SPI_CE0_N"), so when there is no exact match, "GPIO<n>" (or "BCM<n>") also finds the
  /// line the board table knows under another name for BCM n, and on a chip with no line names at
  /// all, offset n. Returns nothing when none fits.
  std::optional<unsigned> find_line(std::string_view name) const;
  /// find_line(), throwing GpioError (ENOENT, "no line named 'X' on gpiochip0") when absent.
  unsigned line_offset(std::string_view name) const;

  /// Requests line `offset` as an input. Never blocks. Throws GpioError: EINVAL (offset out of
  /// range), EPERM (a line off the known board's 40-pin header without settings.off_header; the
  /// message names the header's GPIOs), EBUSY (held by another consumer, named in the message), EACCES.
  InputLine request_input(unsigned offset, const InputSettings& settings = {});
  InputLine request_input(std::string_view line_name, const InputSettings& settings = {});
  /// Requests line `offset` as an output, at settings.initial_value at once. Errors as request_input.
  OutputLine request_output(unsigned offset, const OutputSettings& settings = {});
  OutputLine request_output(std::string_view line_name, const OutputSettings& settings = {});

  /// Requests `offsets` (1 to 64 distinct lines) together as inputs with one set of settings (their
  /// edge, debounce and clock do not apply: a group is read, not watched). Never blocks. All or
  /// nothing: if one line cannot be had, none is requested. Throws GpioError: EINVAL (empty, more
  /// than 64, repeated or out-of-range offsets), EPERM (off the header, as request_input), EBUSY (naming the line and
  /// its holder), EACCES.
  LineGroup request_inputs(const std::vector<unsigned>& offsets, const InputSettings& settings = {});
  /// Requests `offsets` together as outputs, each at settings.initial_value at once. Errors as
  /// request_inputs.
  LineGroup request_outputs(const std::vector<unsigned>& offsets, const OutputSettings& settings = {});
  /// Requests `offsets` together as outputs, initial_values[i] for offsets[i] (settings.initial_value
  /// is not used): `chip.request_outputs({17, 27}, {}, {true, false})`. Errors as request_inputs, and
  /// EINVAL when the two sizes differ.
  LineGroup request_outputs(const std::vector<unsigned>& offsets, const OutputSettings& settings,
                            const std::vector<bool>& initial_values);

 private:
  explicit Chip(std::shared_ptr<detail::ChipState> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::ChipState> state_;
};

}  // namespace pinfiber::gpio
