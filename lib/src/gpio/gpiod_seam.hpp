#pragma once
// The seam between pinfiber and libgpiod 1.6 (gpiod2_seam.hpp is libgpiod 2's): every libgpiod call the backend makes
// goes through this table, so tests can replace one entry to inject EBUSY, EACCES or EINTR (fmt's FMT_SYSTEM idea). The
// real entries are libgpiod's own functions.

#include <gpiod.h>

namespace pinfiber::gpio::detail {

struct GpiodApi {
  decltype(&::gpiod_chip_open) chip_open = ::gpiod_chip_open;
  decltype(&::gpiod_chip_close) chip_close = ::gpiod_chip_close;
  decltype(&::gpiod_chip_name) chip_name = ::gpiod_chip_name;
  decltype(&::gpiod_chip_label) chip_label = ::gpiod_chip_label;
  decltype(&::gpiod_chip_num_lines) chip_num_lines = ::gpiod_chip_num_lines;
  decltype(&::gpiod_chip_get_line) chip_get_line = ::gpiod_chip_get_line;
  decltype(&::gpiod_chip_find_line) chip_find_line = ::gpiod_chip_find_line;
  decltype(&::gpiod_line_request) line_request = ::gpiod_line_request;
  decltype(&::gpiod_line_release) line_release = ::gpiod_line_release;
  decltype(&::gpiod_line_get_value) line_get_value = ::gpiod_line_get_value;
  decltype(&::gpiod_line_set_value) line_set_value = ::gpiod_line_set_value;
  decltype(&::gpiod_line_event_get_fd) line_event_get_fd = ::gpiod_line_event_get_fd;
  decltype(&::gpiod_line_event_read_multiple) line_event_read_multiple = ::gpiod_line_event_read_multiple;
  decltype(&::gpiod_line_update) line_update = ::gpiod_line_update;
  decltype(&::gpiod_line_offset) line_offset = ::gpiod_line_offset;
  decltype(&::gpiod_line_name) line_name = ::gpiod_line_name;
  decltype(&::gpiod_line_consumer) line_consumer = ::gpiod_line_consumer;
  decltype(&::gpiod_line_direction) line_direction = ::gpiod_line_direction;
  decltype(&::gpiod_line_active_state) line_active_state = ::gpiod_line_active_state;
  decltype(&::gpiod_line_bias) line_bias = ::gpiod_line_bias;
  decltype(&::gpiod_line_is_open_drain) line_is_open_drain = ::gpiod_line_is_open_drain;
  decltype(&::gpiod_line_is_open_source) line_is_open_source = ::gpiod_line_is_open_source;
  decltype(&::gpiod_line_is_used) line_is_used = ::gpiod_line_is_used;
  decltype(&::gpiod_version_string) version_string = ::gpiod_version_string;
  decltype(&::gpiod_line_request_bulk) line_request_bulk = ::gpiod_line_request_bulk;
  decltype(&::gpiod_line_release_bulk) line_release_bulk = ::gpiod_line_release_bulk;
  decltype(&::gpiod_line_get_value_bulk) line_get_value_bulk = ::gpiod_line_get_value_bulk;
  decltype(&::gpiod_line_set_value_bulk) line_set_value_bulk = ::gpiod_line_set_value_bulk;
};

/// The table the backend calls through. Tests may assign entries and must restore them
/// (`auto saved = gpiod_api(); ...; gpiod_api() = saved;`).
GpiodApi& gpiod_api();

}  // namespace pinfiber::gpio::detail
