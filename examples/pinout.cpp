// pinout: prints a Raspberry Pi's 40-pin header as a diagram, from pinfiber's board tables.
//
//   pinout              the detected board (PINFIBER_BOARD or /proc/device-tree/model), else Pi Zero W
//   pinout pi5          a given board: pi-zero-w, pi3b, pi4b, pi5
//   pinout --list       the boards known

#include <cstdio>
#include <string>
#include <string_view>

#include "pinfiber/gpio/board.hpp"

#include "paused_clock.hpp"

using namespace pinfiber::gpio;

namespace {

std::string label(const HeaderPin& p) {
  switch (p.kind) {
    case PinKind::power_3v3: return "3V3";
    case PinKind::power_5v: return "5V";
    case PinKind::ground: return "GND";
    case PinKind::gpio: break;
  }
  std::string s = "GPIO" + std::to_string(p.bcm);
  if (!p.function.empty()) s += " (" + std::string(p.function) + ")";
  return s;
}

const char* pull_name(Bias b) {
  switch (b) {
    case Bias::pull_up: return "up";
    case Bias::pull_down: return "down";
    default: return "?";
  }
}

}  // namespace

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  const Board* board = nullptr;
  if (argc > 1) {
    const std::string_view arg = argv[1];
    if (arg == "--list") {
      for (const Board* b : boards::all())
        std::printf("%-10s %s\n", std::string(b->id).c_str(), std::string(b->name).c_str());
      return 0;
    }
    board = boards::find(arg);
    if (!board) {
      std::fprintf(stderr, "pinout: no board '%s' (pinout --list shows them)\n", argv[1]);
      return 2;
    }
  } else {
    board = detect_board();
    if (!board) board = &boards::raspberry_pi_zero_w();
  }
  const Board& b = *board;
  std::printf("%s (%s): header on chip '%s', %u lines\n\n", std::string(b.name).c_str(), std::string(b.soc).c_str(),
              std::string(b.chip_label).c_str(), b.num_lines);
  for (unsigned row = 0; row < 20; ++row) {
    const HeaderPin& l = *b.pin(2 * row + 1);
    const HeaderPin& r = *b.pin(2 * row + 2);
    std::printf("%32s  (%2u) (%2u)  %s\n", label(l).c_str(), l.physical, r.physical, label(r).c_str());
  }
  std::printf("\nreset pulls of GPIO 0-27:");
  for (unsigned bcm = 0; bcm < 28; ++bcm)
    std::printf("%s%u:%s", bcm % 10 == 0 ? "\n  " : " ", bcm, pull_name(b.default_pull(bcm)));
  std::printf("\n");
  return 0;
}
