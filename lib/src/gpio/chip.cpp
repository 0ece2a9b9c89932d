// Chip: opening by name/path/label, line lookup with device-tree name fallbacks, requests.

#include "pinfiber/gpio/chip.hpp"

#include <memory>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <system_error>

#include "gpio/state.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/gpio/board.hpp"
#include "pinfiber/gpio/error.hpp"

namespace pinfiber::gpio {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::optional<unsigned> parse_unsigned(std::string_view s) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string chip_list(Backend& backend) {
  std::string out;
  try {
    for (const auto& name : backend.chip_names()) {
      if (!out.empty()) out += ", ";
      out += name;
      try {
        auto c = backend.open(name);
        out += " '" + c->info().label + "'";
      } catch (const std::system_error&) {
        // Listing is a hint; a chip we cannot open is still worth naming.
      }
    }
  } catch (const std::system_error&) {
  }
  return out.empty() ? "there are no GPIO chips" : "chips: " + out;
}

std::shared_ptr<detail::ChipState> open_chip(std::string_view spec, Backend& backend) {
  auto st = std::make_shared<detail::ChipState>();
  st->backend = &backend;
  std::string name(spec);
  if (all_digits(spec)) name = "gpiochip" + name;
  const bool by_name_or_path = name.starts_with("/") || name.starts_with("gpiochip");
  const std::string action = by_name_or_path ? "open chip '" + name + "'" : "open chip with label '" + name + "'";
  try {
    st->chip = by_name_or_path ? backend.open(name) : backend.open_by_label(name);
  } catch (const std::system_error& e) {
    if (e.code().value() == ENOENT || e.code().value() == ENODEV)
      throw GpioError(e.code().value(), action, chip_list(backend));
    detail::rethrow_as_gpio_error(action);
  }
  if (!st->chip) throw GpioError(ENODEV, action, "no chip has that label; " + chip_list(backend));
  try {
    st->info = st->chip->info();
  } catch (...) {
    detail::rethrow_as_gpio_error(action);
  }
  return st;
}

}  // namespace

Chip::Chip(std::string_view spec, Backend& backend) : state_(open_chip(spec, backend)) {
  state_->board = board_for_chip_label(state_->info.label);
}

Chip::Chip(const Board& board, Backend& backend) {
  try {
    state_ = open_chip(board.chip_label, backend);
  } catch (const GpioError& e) {
    if (e.code().value() != ENODEV) throw;
    // A kernel whose driver labels the chip differently: the header is still gpiochip0 on every
    // Raspberry Pi but the Pi 5 with kernels before 6.6.45, where label lookup does find it.
    state_ = open_chip("gpiochip0", backend);
  }
  state_->board = &board;
}

Chip Chip::default_chip() {
  detail::GpioDefaults& d = hub().service<detail::GpioDefaults>();
  if (!d.chip) {
    Backend& backend = default_backend();
    if (const Board* b = detect_board()) {
      d.chip = std::make_unique<Chip>(*b, backend);
    } else if (const Board* simulated = backend.simulated_board()) {
      // A simulation says what it simulates (a capability, not a name check): any backend may.
      d.chip = std::make_unique<Chip>(*simulated, backend);
    } else {
      d.chip = std::make_unique<Chip>("gpiochip0", backend);
    }
  }
  return *d.chip;
}

const std::string& Chip::name() const { return state_->info.name; }
const std::string& Chip::label() const { return state_->info.label; }
const std::string& Chip::path() const { return state_->info.path; }
unsigned Chip::num_lines() const { return state_->info.num_lines; }
const Board* Chip::board() const { return state_->board; }
Capabilities Chip::capabilities() const { return state_->backend->capabilities(); }

LineInfo Chip::line_info(unsigned offset) const {
  state_->check_offset(offset, "get info of");
  try {
    return state_->chip->line_info(offset);
  } catch (...) {
    detail::rethrow_as_gpio_error("get info of " + state_->line_description(offset));
  }
}

std::optional<unsigned> Chip::find_line(std::string_view name) const {
  std::optional<unsigned> found;
  try {
    found = state_->chip->find_line(name);
  } catch (...) {
    detail::rethrow_as_gpio_error("find line '" + std::string(name) + "' on " + state_->info.name);
  }
  if (found) return found;
  // "GPIO17" / "BCM17": the board table knows BCM 17 by the chip's own name for it.
  std::optional<unsigned> bcm;
  if (name.starts_with("GPIO")) bcm = parse_unsigned(name.substr(4));
  if (name.starts_with("BCM")) bcm = parse_unsigned(name.substr(3));
  if (!bcm || *bcm >= state_->info.num_lines) return std::nullopt;
  if (state_->board) {
    const auto& names = state_->board->line_names;
    if (*bcm < names.size() && !names[*bcm].empty() && names[*bcm] != name) {
      if (auto alt = state_->chip->find_line(names[*bcm])) return alt;
    }
    // A board chip whose device tree names nothing (or differently): offsets are BCM numbers.
    return bcm;
  }
  // An unknown chip: offsets are the only other sensible reading, but only when it names no lines
  // (a chip that names its lines otherwise would make the guess wrong).
  for (unsigned i = 0; i < state_->info.num_lines; ++i)
    if (!line_info(i).name.empty()) return std::nullopt;
  return bcm;
}

unsigned Chip::line_offset(std::string_view name) const {
  if (auto off = find_line(name)) return *off;
  throw GpioError(ENOENT, "find line '" + std::string(name) + "' on " + state_->info.name,
                  "no line has that name; gpioinfo " + state_->info.name + " lists them");
}

InputLine Chip::request_input(unsigned offset, const InputSettings& settings) {
  auto st = std::make_shared<detail::InputState>();
  st->chip = state_;
  st->offset = offset;
  st->settings = settings;
  state_->check_offset(offset, "request");
  state_->check_on_header(offset, settings.off_header);
  const Capabilities caps = state_->backend->capabilities();
  const bool debounce = settings.debounce.duration() > Duration::zero() && settings.edge != Edge::none;
  const bool software_debounce = debounce && !caps.kernel_debounce;
  detail::check_event_clock(*state_, offset, settings.clock, software_debounce);
  LineConfig config;
  config.direction = Direction::input;
  // Debouncing in software needs every raw edge, whatever the caller asked for.
  config.edge = software_debounce ? Edge::both : settings.edge;
  config.bias = settings.bias;
  config.active_low = settings.active_low;
  config.consumer = settings.consumer;
  config.debounce = debounce && caps.kernel_debounce ? settings.debounce.duration() : Duration::zero();
  config.clock = settings.clock;
  st->seqnos = caps.sequence_numbers;
  st->request = state_->request(offset, config);
  if (software_debounce) {
    bool level;
    try {
      level = st->request->get_value();
    } catch (...) {
      detail::rethrow_as_gpio_error("read " + st->description());
    }
    st->debouncer.emplace(settings.debounce, level, offset);
  }
  return InputLine(std::move(st));
}

InputLine Chip::request_input(std::string_view line_name, const InputSettings& settings) {
  return request_input(line_offset(line_name), settings);
}

OutputLine Chip::request_output(unsigned offset, const OutputSettings& settings) {
  auto st = std::make_shared<detail::OutputState>();
  st->chip = state_;
  st->offset = offset;
  st->settings = settings;
  state_->check_offset(offset, "request");
  state_->check_on_header(offset, settings.off_header);
  LineConfig config;
  config.direction = Direction::output;
  config.bias = settings.bias;
  config.active_low = settings.active_low;
  config.drive = settings.drive;
  config.initial_value = settings.initial_value;
  config.consumer = settings.consumer;
  st->request = state_->request(offset, config);
  return OutputLine(std::move(st));
}

OutputLine Chip::request_output(std::string_view line_name, const OutputSettings& settings) {
  return request_output(line_offset(line_name), settings);
}

}  // namespace pinfiber::gpio
