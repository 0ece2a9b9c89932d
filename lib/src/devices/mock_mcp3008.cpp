#include "pinfiber/devices/mock_mcp3008.hpp"

#include <cmath>

namespace pinfiber::devices {

MockMcp3008::MockMcp3008(bus::MockSpiBus& bus, double vref, std::uint32_t max_speed_hz)
    : bus_(bus), vref_(vref), max_speed_hz_(max_speed_hz) {
  bus_.attach(*this);
}

MockMcp3008::~MockMcp3008() { bus_.detach(); }

void MockMcp3008::on_transfer(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso,
                              const bus::SpiSettings& settings) {
  if ((settings.mode != 0 && settings.mode != 3) || settings.speed_hz > max_speed_hz_ || settings.bits_per_word != 8) {
    ++refused_;
    return;  // MISO stays as the bus left it: floating high
  }
  // Find the start bit: the first 1 bit clocked in. The four bits after it are SGL/DIFF, D2, D1, D0;
  // then one sample clock, a null bit, and B9 ... B0 (figure 6-1), each on the clock after.
  const std::size_t bits = mosi.size() * 8;
  const auto bit_in = [&](std::size_t i) { return (mosi[i / 8] >> (7 - i % 8)) & 1; };
  std::size_t i = 0;
  while (i < bits && !bit_in(i)) ++i;
  if (i + 5 > bits) return;
  const bool single = bit_in(i + 1);
  const unsigned ch = static_cast<unsigned>(bit_in(i + 2) << 2 | bit_in(i + 3) << 1 | bit_in(i + 4));
  double v = volts_[ch];
  if (!single) v -= volts_[ch ^ 1];  // differential: CHn+ against its pair's other input
  long code = static_cast<long>(std::floor(1024.0 * v / vref_));
  code = code < 0 ? 0 : (code > 1023 ? 1023 : code);
  std::fill(miso.begin(), miso.end(), 0xff);
  // The null bit comes 6 clocks after the start bit (start, 4 bits, the sample clock), then B9 first.
  const auto set_bit = [&](std::size_t at, int value) {
    if (at >= bits) return;
    const auto mask = static_cast<std::uint8_t>(1u << (7 - at % 8));
    miso[at / 8] = static_cast<std::uint8_t>(value ? (miso[at / 8] | mask) : (miso[at / 8] & ~mask));
  };
  set_bit(i + 6, 0);
  for (int b = 0; b < 10; ++b) set_bit(i + 7 + static_cast<std::size_t>(b), static_cast<int>((code >> (9 - b)) & 1));
  ++conversions_;
}

}  // namespace pinfiber::devices
