#pragma once
// LineGroup: several lines of one chip requested together, read and set in one call.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pinfiber/gpio/line_settings.hpp"

namespace pinfiber::gpio {

namespace detail {
struct GroupState;
}

/// Several lines of one chip requested as one request (Chip::request_inputs / request_outputs), all
/// inputs or all outputs with one set of settings: their values are read, or set, in one call. On
/// libgpiod that is one system call, so a group's outputs change together as far as the chip driver
/// allows (a parallel bus, a 7-segment digit, a stepper's coils), and its inputs are sampled
/// together (a DIP switch, a rotary encoder's two phases). Where the backend has no multi-line
/// requests (Chip::capabilities().multi_line), pinfiber requests the lines one by one and reads and
/// sets them one after another. Groups are read and set, not watched: for edges, request the lines
/// one by one (InputLine). Movable; released when destroyed or release()d.
///
///   auto leds = chip.request_outputs({17, 27, 22});
///   leds.set_values({true, false, true});             // all three at once
///   bool dip3 = chip.request_inputs({5, 6, 13}, {.bias = Bias::pull_up}).get_values()[2];
class LineGroup {
 public:
  LineGroup() = default;
  LineGroup(LineGroup&&) noexcept;
  LineGroup& operator=(LineGroup&&) noexcept;
  ~LineGroup();

  /// The logical values (active-low applied), in the order of offsets(). Never blocks. Throws
  /// GpioError if the group was released or the read fails.
  std::vector<bool> get_values() const;
  /// The logical value of line `offset` of the group. Throws GpioError (EINVAL if the group does
  /// not hold that line).
  bool get(unsigned offset) const;
  /// Sets every line, values[i] to offsets()[i], in one call. Never blocks. Throws GpioError:
  /// EINVAL when values.size() differs from the number of lines, EPERM on an input group.
  void set_values(const std::vector<bool>& values);
  /// Sets line `offset` of the group, leaving the others as they are. Errors as set_values.
  void set(unsigned offset, bool value);

  /// The lines' offsets on their chip, in request order.
  const std::vector<unsigned>& offsets() const;
  Direction direction() const;
  /// "lines 17, 27, 22 on gpiochip0", as errors name it.
  std::string description() const;
  bool requested() const { return static_cast<bool>(state_); }
  /// Releases every line of the group (the kernel keeps outputs at their last value).
  void release();

 private:
  friend class Chip;
  explicit LineGroup(std::shared_ptr<detail::GroupState> state);
  std::size_t index_of(unsigned offset, const char* action) const;
  std::shared_ptr<detail::GroupState> state_;
};

}  // namespace pinfiber::gpio
