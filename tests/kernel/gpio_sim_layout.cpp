// gpio_sim_layout BOARD: prints the GPIO chip of a board (e.g. pi-zero-w) as a gpio-sim chip layout for
// scripts/kernel-vm --chip: "label L", "lines N", then "name OFFSET NAME" for each named line.
//
// The VM's chip is made from the library's own board table (lib/src/gpio/boards/), so the one source
// of board facts also describes the simulated chip: when the tables move, this follows.

#include <cstdio>
#include <string>

#include "pinfiber/gpio/board.hpp"

int main(int argc, char** argv) {
  const char* id = argc > 1 ? argv[1] : "pi-zero-w";
  const pinfiber::gpio::Board* board = pinfiber::gpio::boards::find(id);
  if (!board) {
    std::fprintf(stderr, "gpio_sim_layout: no board '%s'; boards:", id);
    for (const auto* b : pinfiber::gpio::boards::all()) std::fprintf(stderr, " %.*s", int(b->id.size()), b->id.data());
    std::fputc('\n', stderr);
    return 2;
  }
  std::printf("label %.*s\nlines %u\n", int(board->chip_label.size()), board->chip_label.data(), board->num_lines);
  for (unsigned i = 0; i < board->line_names.size() && i < board->num_lines; ++i)
    if (!board->line_names[i].empty()) std::printf("name %u %s\n", i, board->line_names[i].c_str());
  return 0;
}
