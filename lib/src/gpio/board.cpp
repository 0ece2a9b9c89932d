// Boards: lookups over the tables generated from boards/*.board (the one source of board facts;
// boards/README.md explains the format, `pinout <id>` prints a board).

#include <cstdlib>
#include <fstream>
#include <string>

#include "gpio/boards/board_data.hpp"
#include "pinfiber/gpio/board.hpp"

namespace pinfiber::gpio {

namespace {
const Board& board_by_id(std::string_view id) {
  const Board* b = boards::find(id);
  // The data files are part of the build: a missing one is a build that dropped it.
  if (!b) std::abort();
  return *b;
}
}  // namespace

const HeaderPin* Board::pin(unsigned physical) const {
  for (const auto& p : header)
    if (p.physical == physical) return &p;
  return nullptr;
}

std::optional<unsigned> Board::physical_to_bcm(unsigned physical) const {
  const HeaderPin* p = pin(physical);
  if (!p || p->bcm < 0) return std::nullopt;
  return static_cast<unsigned>(p->bcm);
}

std::optional<unsigned> Board::bcm_to_physical(unsigned bcm) const {
  for (const auto& p : header)
    if (p.bcm == static_cast<int>(bcm)) return p.physical;
  return std::nullopt;
}

std::vector<HeaderPin> Board::bus_pins(std::string_view bus) const {
  std::vector<HeaderPin> out;
  for (const auto& p : header)
    if (p.function.starts_with(bus) || p.function.find(" / " + std::string(bus)) != std::string_view::npos)
      out.push_back(p);
  return out;
}

Bias Board::default_pull(unsigned bcm) const { return bcm < default_pulls.size() ? default_pulls[bcm] : Bias::as_is; }

namespace boards {
const Board& raspberry_pi_zero_w() { return board_by_id("pi-zero-w"); }
const Board& raspberry_pi_3b() { return board_by_id("pi3b"); }
const Board& raspberry_pi_4b() { return board_by_id("pi4b"); }
const Board& raspberry_pi_5() { return board_by_id("pi5"); }
std::span<const Board* const> all() { return detail::board_table; }
const Board* find(std::string_view id) {
  for (const Board* b : detail::board_table)
    if (b->id == id) return b;
  return nullptr;
}
}  // namespace boards

const Board* detect_board(const char* model_path) {
  if (const char* forced = std::getenv("PINFIBER_BOARD"); forced && *forced) return boards::find(forced);
  std::ifstream in(model_path);
  std::string model;
  if (!in || !std::getline(in, model, '\0')) return nullptr;
  // Longest prefix wins, so "Raspberry Pi 3 Model B Plus" is not taken for something shorter.
  const Board* best = nullptr;
  std::size_t best_len = 0;
  for (const Board* b : detail::board_table)
    for (std::string_view prefix : b->model_prefixes)
      if (model.starts_with(prefix) && prefix.size() > best_len) {
        best = b;
        best_len = prefix.size();
      }
  return best;
}

const Board* board_for_chip_label(std::string_view label) {
  for (const Board* b : detail::board_table)
    if (b->chip_label == label) return b;
  return nullptr;
}

}  // namespace pinfiber::gpio
