// LineGroup, and the Chip requests that make one.

#include "pinfiber/gpio/line_group.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>

#include "gpio/state.hpp"
#include "pinfiber/gpio/chip.hpp"
#include "pinfiber/gpio/error.hpp"

namespace pinfiber::gpio {

namespace detail {

struct GroupState {
  std::shared_ptr<ChipState> chip;
  std::vector<unsigned> offsets;
  Direction direction = Direction::input;
  std::unique_ptr<MultiLineRequest> request;

  std::string description() const {
    std::string d = offsets.size() == 1 ? "line " : "lines ";
    for (std::size_t i = 0; i < offsets.size(); ++i) d += (i ? ", " : "") + std::to_string(offsets[i]);
    return d + " on " + chip->info.name;
  }
};

}  // namespace detail

namespace {

// The uAPI's limit on lines per request (GPIO_V2_LINES_MAX, GPIOHANDLES_MAX), which is also the
// width of the value masks.
constexpr std::size_t kMaxLines = 64;

std::uint64_t bit(std::size_t i) { return std::uint64_t{1} << i; }

// Chip's group requests live here rather than in chip.cpp: everything about groups in one file.

std::shared_ptr<detail::GroupState> request_group(const std::shared_ptr<detail::ChipState>& chip,
                                                  const std::vector<unsigned>& offsets, const LineConfig& config,
                                                  std::uint64_t initial_values, bool off_header) {
  auto st = std::make_shared<detail::GroupState>();
  st->chip = chip;
  st->offsets = offsets;
  st->direction = config.direction;
  const std::string action =
      "request " + (offsets.empty() ? std::string("no lines on ") + chip->info.name : st->description());
  if (offsets.empty()) throw GpioError(EINVAL, action, "a group needs at least one line");
  if (offsets.size() > kMaxLines)
    throw GpioError(EINVAL, action, "at most " + std::to_string(kMaxLines) + " lines per request");
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    chip->check_offset(offsets[i], "request");
    chip->check_on_header(offsets[i], off_header);
    if (std::find(offsets.begin(), offsets.begin() + static_cast<std::ptrdiff_t>(i), offsets[i]) !=
        offsets.begin() + static_cast<std::ptrdiff_t>(i))
      throw GpioError(EINVAL, action, "line " + std::to_string(offsets[i]) + " is named twice");
  }
  try {
    st->request = chip->chip->request_lines(offsets, config, initial_values);
  } catch (const std::system_error& e) {
    if (e.code().value() == EBUSY) {
      // Name the line that is taken and who holds it, as a single request does.
      for (unsigned off : offsets) {
        LineInfo li;
        try {
          li = chip->chip->line_info(off);
        } catch (const std::system_error&) {
          continue;
        }
        if (li.used) {
          throw GpioError(EBUSY, action,
                          "line " + std::to_string(off) + " held by " +
                              (li.consumer.empty() ? "another consumer" : "'" + li.consumer + "'"));
        }
      }
      throw GpioError(EBUSY, action, "held by another consumer");
    }
    detail::rethrow_as_gpio_error(action);
  }
  return st;
}

[[noreturn]] void throw_released(const char* action) {
  throw GpioError(EBADF, std::string(action) + " a released group of lines", "request it again from its Chip");
}

}  // namespace

LineGroup Chip::request_inputs(const std::vector<unsigned>& offsets, const InputSettings& settings) {
  LineConfig config;
  config.direction = Direction::input;
  config.bias = settings.bias;
  config.active_low = settings.active_low;
  config.consumer = settings.consumer;
  return LineGroup(request_group(state_, offsets, config, 0, settings.off_header));
}

LineGroup Chip::request_outputs(const std::vector<unsigned>& offsets, const OutputSettings& settings) {
  return request_outputs(offsets, settings, std::vector<bool>(offsets.size(), settings.initial_value));
}

LineGroup Chip::request_outputs(const std::vector<unsigned>& offsets, const OutputSettings& settings,
                                const std::vector<bool>& initial_values) {
  if (initial_values.size() != offsets.size()) {
    throw GpioError(EINVAL, "request " + std::to_string(offsets.size()) + " lines on " + state_->info.name,
                    std::to_string(initial_values.size()) + " initial values given");
  }
  LineConfig config;
  config.direction = Direction::output;
  config.bias = settings.bias;
  config.active_low = settings.active_low;
  config.drive = settings.drive;
  config.consumer = settings.consumer;
  std::uint64_t initial = 0;
  for (std::size_t i = 0; i < initial_values.size() && i < kMaxLines; ++i)
    if (initial_values[i]) initial |= bit(i);
  return LineGroup(request_group(state_, offsets, config, initial, settings.off_header));
}

// --- LineGroup -------------------------------------------------------------------------------------

LineGroup::LineGroup(std::shared_ptr<detail::GroupState> state) : state_(std::move(state)) {}
LineGroup::LineGroup(LineGroup&&) noexcept = default;
LineGroup& LineGroup::operator=(LineGroup&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}
LineGroup::~LineGroup() { release(); }

std::vector<bool> LineGroup::get_values() const {
  if (!state_) throw_released("read");
  std::uint64_t bits = 0;
  try {
    bits = state_->request->get_values();
  } catch (...) {
    detail::rethrow_as_gpio_error("read " + state_->description());
  }
  std::vector<bool> values(state_->offsets.size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = bits & bit(i);
  return values;
}

std::size_t LineGroup::index_of(unsigned offset, const char* action) const {
  if (!state_) throw_released(action);
  const auto& o = state_->offsets;
  auto it = std::find(o.begin(), o.end(), offset);
  if (it == o.end()) {
    throw GpioError(EINVAL, std::string(action) + " line " + std::to_string(offset) + " of " + state_->description(),
                    "the group does not hold that line");
  }
  return static_cast<std::size_t>(it - o.begin());
}

bool LineGroup::get(unsigned offset) const {
  const std::size_t i = index_of(offset, "read");
  try {
    return state_->request->get_values() & bit(i);
  } catch (...) {
    detail::rethrow_as_gpio_error("read line " + std::to_string(offset) + " of " + state_->description());
  }
}

namespace {
void set_masked(detail::GroupState& st, std::uint64_t mask, std::uint64_t values) {
  const std::string action = "set " + st.description();
  // Checked here rather than left to the kernel, whose EPERM would not say why.
  if (st.direction != Direction::output) throw GpioError(EPERM, action, "the lines were requested as inputs");
  try {
    st.request->set_values(mask, values);
  } catch (...) {
    detail::rethrow_as_gpio_error(action);
  }
}
}  // namespace

void LineGroup::set_values(const std::vector<bool>& values) {
  if (!state_) throw_released("set");
  if (values.size() != state_->offsets.size()) {
    throw GpioError(EINVAL, "set " + state_->description(),
                    std::to_string(values.size()) + " values for " + std::to_string(state_->offsets.size()) + " lines");
  }
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i]) bits |= bit(i);
  const std::uint64_t all = values.size() == kMaxLines ? ~std::uint64_t{0} : bit(values.size()) - 1;
  set_masked(*state_, all, bits);
}

void LineGroup::set(unsigned offset, bool value) {
  const std::size_t i = index_of(offset, "set");
  set_masked(*state_, bit(i), value ? bit(i) : 0);
}

const std::vector<unsigned>& LineGroup::offsets() const {
  static const std::vector<unsigned> none;
  return state_ ? state_->offsets : none;
}
Direction LineGroup::direction() const { return state_ ? state_->direction : Direction::input; }
std::string LineGroup::description() const { return state_ ? state_->description() : "a released group of lines"; }
void LineGroup::release() { state_.reset(); }

}  // namespace pinfiber::gpio
