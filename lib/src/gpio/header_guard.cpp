// The header guard: on a known board, a line that is not on the 40-pin header is requested only on
// an explicit opt-in (InputSettings/OutputSettings::off_header). Those lines carry the SoC's own
// functions (SD card, Wi-Fi, camera, HDMI hot-plug on a Zero W); a typo such as 40 for physical pin
// 40 (BCM 21) would otherwise reconfigure one of them silently. Which lines are on the header comes
// from the board data (boards/*.board, 40-pin-header.txt), so a new board needs no code here.

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "gpio/state.hpp"
#include "pinfiber/gpio/board.hpp"
#include "pinfiber/gpio/error.hpp"

namespace pinfiber::gpio::detail {

namespace {
// "BCM 0-27", or "BCM 2-4, 7, 9-11" for a sparser header.
std::string header_gpios(const Board& board) {
  std::vector<int> bcm;
  for (const HeaderPin& p : board.header)
    if (p.bcm >= 0) bcm.push_back(p.bcm);
  std::sort(bcm.begin(), bcm.end());
  bcm.erase(std::unique(bcm.begin(), bcm.end()), bcm.end());
  std::string out = "BCM ";
  for (std::size_t i = 0; i < bcm.size();) {
    std::size_t j = i;
    while (j + 1 < bcm.size() && bcm[j + 1] == bcm[j] + 1) ++j;
    if (i > 0) out += ", ";
    out += std::to_string(bcm[i]);
    if (j > i) out += "-" + std::to_string(bcm[j]);
    i = j + 1;
  }
  return out;
}
}  // namespace

void ChipState::check_on_header(unsigned offset, bool off_header_allowed) const {
  if (off_header_allowed || !board || board->bcm_to_physical(offset)) return;
  std::string line = "BCM " + std::to_string(offset);
  if (offset < board->line_names.size() && !board->line_names[offset].empty())
    line += " '" + board->line_names[offset] + "'";
  throw GpioError(EPERM, "request " + line_description(offset),
                  line + " is not on the " + std::string(board->name) + "'s 40-pin header, whose GPIOs are " +
                      header_gpios(*board) + " (`pinout " + std::string(board->id) +
                      "` maps them to physical pins); it is wired to the SoC's own functions: set off_header "
                      "= true in the line's settings to request it anyway");
}

}  // namespace pinfiber::gpio::detail
