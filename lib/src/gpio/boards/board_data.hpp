#pragma once
// The board tables, generated at build time from the data files of boards/ (one per board; see
// boards/README.md and cmake/generate_boards.cmake). Private to the gpio layer.

#include <span>

#include "pinfiber/gpio/board.hpp"

namespace pinfiber::gpio::detail {

/// Every board described in boards/, in the order lib/CMakeLists.txt lists them.
extern const std::span<const Board* const> board_table;

}  // namespace pinfiber::gpio::detail
