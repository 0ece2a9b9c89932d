#pragma once
// The seam between pinfiber and libgpiod 2: every libgpiod call the v2 backend makes goes through
// this table, so tests can replace one entry to inject EBUSY, EIO or EINTR at a chosen call (as
// gpiod_seam.hpp does for libgpiod 1.6). The real entries are libgpiod's own functions.

#include <gpiod.h>

namespace pinfiber::gpio::detail {

struct Gpiod2Api {
  decltype(&::gpiod_api_version) api_version = ::gpiod_api_version;
  // chips
  decltype(&::gpiod_chip_open) chip_open = ::gpiod_chip_open;
  decltype(&::gpiod_chip_close) chip_close = ::gpiod_chip_close;
  decltype(&::gpiod_chip_get_path) chip_get_path = ::gpiod_chip_get_path;
  decltype(&::gpiod_chip_get_info) chip_get_info = ::gpiod_chip_get_info;
  decltype(&::gpiod_chip_info_free) chip_info_free = ::gpiod_chip_info_free;
  decltype(&::gpiod_chip_info_get_name) chip_info_get_name = ::gpiod_chip_info_get_name;
  decltype(&::gpiod_chip_info_get_label) chip_info_get_label = ::gpiod_chip_info_get_label;
  decltype(&::gpiod_chip_info_get_num_lines) chip_info_get_num_lines = ::gpiod_chip_info_get_num_lines;
  decltype(&::gpiod_chip_get_line_offset_from_name) chip_get_line_offset_from_name =
      ::gpiod_chip_get_line_offset_from_name;
  decltype(&::gpiod_chip_request_lines) chip_request_lines = ::gpiod_chip_request_lines;
  // line info
  decltype(&::gpiod_chip_get_line_info) chip_get_line_info = ::gpiod_chip_get_line_info;
  decltype(&::gpiod_line_info_free) line_info_free = ::gpiod_line_info_free;
  decltype(&::gpiod_line_info_get_name) line_info_get_name = ::gpiod_line_info_get_name;
  decltype(&::gpiod_line_info_is_used) line_info_is_used = ::gpiod_line_info_is_used;
  decltype(&::gpiod_line_info_get_consumer) line_info_get_consumer = ::gpiod_line_info_get_consumer;
  decltype(&::gpiod_line_info_get_direction) line_info_get_direction = ::gpiod_line_info_get_direction;
  decltype(&::gpiod_line_info_is_active_low) line_info_is_active_low = ::gpiod_line_info_is_active_low;
  decltype(&::gpiod_line_info_get_bias) line_info_get_bias = ::gpiod_line_info_get_bias;
  decltype(&::gpiod_line_info_get_drive) line_info_get_drive = ::gpiod_line_info_get_drive;
  // request building
  decltype(&::gpiod_line_settings_new) line_settings_new = ::gpiod_line_settings_new;
  decltype(&::gpiod_line_settings_free) line_settings_free = ::gpiod_line_settings_free;
  decltype(&::gpiod_line_settings_set_direction) line_settings_set_direction = ::gpiod_line_settings_set_direction;
  decltype(&::gpiod_line_settings_set_edge_detection) line_settings_set_edge_detection =
      ::gpiod_line_settings_set_edge_detection;
  decltype(&::gpiod_line_settings_set_bias) line_settings_set_bias = ::gpiod_line_settings_set_bias;
  decltype(&::gpiod_line_settings_set_drive) line_settings_set_drive = ::gpiod_line_settings_set_drive;
  decltype(&::gpiod_line_settings_set_active_low) line_settings_set_active_low = ::gpiod_line_settings_set_active_low;
  decltype(&::gpiod_line_settings_set_debounce_period_us) line_settings_set_debounce_period_us =
      ::gpiod_line_settings_set_debounce_period_us;
  decltype(&::gpiod_line_settings_set_event_clock) line_settings_set_event_clock =
      ::gpiod_line_settings_set_event_clock;
  decltype(&::gpiod_line_settings_set_output_value) line_settings_set_output_value =
      ::gpiod_line_settings_set_output_value;
  decltype(&::gpiod_line_config_new) line_config_new = ::gpiod_line_config_new;
  decltype(&::gpiod_line_config_free) line_config_free = ::gpiod_line_config_free;
  decltype(&::gpiod_line_config_add_line_settings) line_config_add_line_settings =
      ::gpiod_line_config_add_line_settings;
  decltype(&::gpiod_request_config_new) request_config_new = ::gpiod_request_config_new;
  decltype(&::gpiod_request_config_free) request_config_free = ::gpiod_request_config_free;
  decltype(&::gpiod_request_config_set_consumer) request_config_set_consumer = ::gpiod_request_config_set_consumer;
  // requests
  decltype(&::gpiod_line_request_release) line_request_release = ::gpiod_line_request_release;
  decltype(&::gpiod_line_request_get_value) line_request_get_value = ::gpiod_line_request_get_value;
  decltype(&::gpiod_line_request_get_values_subset) line_request_get_values_subset =
      ::gpiod_line_request_get_values_subset;
  decltype(&::gpiod_line_request_set_value) line_request_set_value = ::gpiod_line_request_set_value;
  decltype(&::gpiod_line_request_set_values_subset) line_request_set_values_subset =
      ::gpiod_line_request_set_values_subset;
  decltype(&::gpiod_line_request_get_fd) line_request_get_fd = ::gpiod_line_request_get_fd;
  decltype(&::gpiod_line_request_read_edge_events) line_request_read_edge_events =
      ::gpiod_line_request_read_edge_events;
  // edge events
  decltype(&::gpiod_edge_event_buffer_new) edge_event_buffer_new = ::gpiod_edge_event_buffer_new;
  decltype(&::gpiod_edge_event_buffer_free) edge_event_buffer_free = ::gpiod_edge_event_buffer_free;
  decltype(&::gpiod_edge_event_buffer_get_event) edge_event_buffer_get_event = ::gpiod_edge_event_buffer_get_event;
  decltype(&::gpiod_edge_event_get_event_type) edge_event_get_event_type = ::gpiod_edge_event_get_event_type;
  decltype(&::gpiod_edge_event_get_timestamp_ns) edge_event_get_timestamp_ns = ::gpiod_edge_event_get_timestamp_ns;
  decltype(&::gpiod_edge_event_get_line_seqno) edge_event_get_line_seqno = ::gpiod_edge_event_get_line_seqno;
};

/// The table the v2 backend calls through. Tests may assign entries and must restore them
/// (`auto saved = gpiod2_api(); ...; gpiod2_api() = saved;`).
Gpiod2Api& gpiod2_api();

}  // namespace pinfiber::gpio::detail
