// Raspberry Pi board tables: the one source of board facts in pinfiber (boards/README.md explains;
// `pinout <id>` prints them). Written from the boards' public pinout documentation.
//
// All 40-pin Pis share the header map. They differ in which chip carries it (label), how many lines
// that chip has, and the device-tree names of those lines. The names here are the upstream kernel's;
// Raspberry Pi OS kernels name header lines "GPIO<n>" instead, which is why Chip::find_line() falls
// back through these tables. Lines beyond the header (28 and up) are named where the upstream device
// tree names them as far as we know; an empty name means unknown, which lookups do not rely on.

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "pinfiber/gpio/board.hpp"

namespace pinfiber::gpio {

namespace {

// The tables are laid out as the header is; clang-format would fold them into paragraphs.
// clang-format off

using K = PinKind;

std::vector<HeaderPin> forty_pin_header() {
  return {
      {1, K::power_3v3, -1, "3V3"},        {2, K::power_5v, -1, "5V"},
      {3, K::gpio, 2, "I2C1 SDA"},         {4, K::power_5v, -1, "5V"},
      {5, K::gpio, 3, "I2C1 SCL"},         {6, K::ground, -1, "GND"},
      {7, K::gpio, 4, "GPCLK0"},           {8, K::gpio, 14, "UART TXD"},
      {9, K::ground, -1, "GND"},           {10, K::gpio, 15, "UART RXD"},
      {11, K::gpio, 17, "SPI1 CE1"},       {12, K::gpio, 18, "PWM0 / SPI1 CE0"},
      {13, K::gpio, 27, ""},               {14, K::ground, -1, "GND"},
      {15, K::gpio, 22, ""},               {16, K::gpio, 23, ""},
      {17, K::power_3v3, -1, "3V3"},       {18, K::gpio, 24, ""},
      {19, K::gpio, 10, "SPI0 MOSI"},      {20, K::ground, -1, "GND"},
      {21, K::gpio, 9, "SPI0 MISO"},       {22, K::gpio, 25, ""},
      {23, K::gpio, 11, "SPI0 SCLK"},      {24, K::gpio, 8, "SPI0 CE0"},
      {25, K::ground, -1, "GND"},          {26, K::gpio, 7, "SPI0 CE1"},
      {27, K::gpio, 0, "I2C0 SDA (HAT ID EEPROM)"}, {28, K::gpio, 1, "I2C0 SCL (HAT ID EEPROM)"},
      {29, K::gpio, 5, ""},                {30, K::ground, -1, "GND"},
      {31, K::gpio, 6, ""},                {32, K::gpio, 12, "PWM0"},
      {33, K::gpio, 13, "PWM1"},           {34, K::ground, -1, "GND"},
      {35, K::gpio, 19, "PWM1 / SPI1 MISO"}, {36, K::gpio, 16, "SPI1 CE2"},
      {37, K::gpio, 26, ""},               {38, K::gpio, 20, "SPI1 MOSI"},
      {39, K::ground, -1, "GND"},          {40, K::gpio, 21, "SPI1 SCLK"},
  };
}

// BCM2835/2837/2711 after reset: GPIO 0-8 pulled up, 9-27 pulled down (BCM2835 peripherals
// datasheet, "Alternative Function Assignments", pull state column).
std::vector<Bias> bcm_default_pulls() {
  std::vector<Bias> v(28, Bias::pull_down);
  std::fill(v.begin(), v.begin() + 9, Bias::pull_up);
  return v;
}

// Upstream device-tree names of GPIO 0-27 on the Broadcom Pis; `uart` is what 14/15 are called
// (TXD0/RXD0 where the PL011 is on the header, TXD1/RXD1 where the mini UART is).
std::vector<std::string> bcm_header_names(const char* txd, const char* rxd) {
  std::vector<std::string> v = {"ID_SDA",    "ID_SCL",    "SDA1",      "SCL1",     "GPIO_GCLK", "GPIO5",  "GPIO6",
                                "SPI_CE1_N", "SPI_CE0_N", "SPI_MISO",  "SPI_MOSI", "SPI_SCLK",  "GPIO12", "GPIO13",
                                txd,         rxd};
  for (int i = 16; i <= 27; ++i) v.push_back("GPIO" + std::to_string(i));
  return v;
}

std::vector<std::string> with_tail(std::vector<std::string> head, std::initializer_list<const char*> tail, unsigned n) {
  for (const char* s : tail) head.emplace_back(s);
  head.resize(n);
  return head;
}

const Board zero_w{
    "Raspberry Pi Zero W",
    "pi-zero-w",
    {"Raspberry Pi Zero W"},  // also matches "Raspberry Pi Zero W Rev 1.1" and the WH (same model string)
    "BCM2835",
    "pinctrl-bcm2835",
    54,
    with_tail(bcm_header_names("TXD0", "RXD0"),
              {"", "", "CTS0", "RTS0", "TXD0", "RXD0", "SD1_CLK", "SD1_CMD", "SD1_DATA0", "SD1_DATA1", "SD1_DATA2",
               "SD1_DATA3", "", "WL_ON", "", "WIFI_CLK", "", "BT_ON", "", "STATUS_LED_N", "SD_CLK_R", "SD_CMD_R",
               "SD_DATA0_R", "SD_DATA1_R", "SD_DATA2_R", "SD_DATA3_R"},
              54),
    forty_pin_header(),
    bcm_default_pulls(),
};

const Board pi3b{
    "Raspberry Pi 3 Model B",
    "pi3b",
    {"Raspberry Pi 3 Model B"},  // the B+ too: "Raspberry Pi 3 Model B Plus"
    "BCM2837",
    "pinctrl-bcm2835",  // the BCM2837 keeps the BCM2835's GPIO block and driver
    54,
    with_tail(bcm_header_names("TXD1", "RXD1"),
              {"HDMI_HPD_N", "STATUS_LED_G", "CTS0", "RTS0", "TXD0", "RXD0", "SD1_CLK", "SD1_CMD", "SD1_DATA0",
               "SD1_DATA1", "SD1_DATA2", "SD1_DATA3", "PWM0_OUT", "PWM1_OUT", "ETH_CLK", "WIFI_CLK", "SDA0", "SCL0",
               "SMPS_SCL", "SMPS_SDA", "SD_CLK_R", "SD_CMD_R", "SD_DATA0_R", "SD_DATA1_R", "SD_DATA2_R",
               "SD_DATA3_R"},
              54),
    forty_pin_header(),
    bcm_default_pulls(),
};

const Board pi4b{
    "Raspberry Pi 4 Model B",
    "pi4b",
    {"Raspberry Pi 4 Model B"},
    "BCM2711",
    "pinctrl-bcm2711",
    58,  // the BCM2711 adds four lines (54-57) to the BCM2835's 54
    with_tail(bcm_header_names("TXD1", "RXD1"),
              {"RGMII_MDIO", "RGMIO_MDC", "CTS0", "RTS0", "TXD0", "RXD0", "SD1_CLK", "SD1_CMD", "SD1_DATA0",
               "SD1_DATA1", "SD1_DATA2", "SD1_DATA3", "PWM0_MISO", "PWM1_MOSI", "STATUS_LED_G_CLK",
               "SPIFLASH_CE_N", "SDA0", "SCL0", "RGMII_RXCLK", "RGMII_RXCTL", "RGMII_RXD0", "RGMII_RXD1",
               "RGMII_RXD2", "RGMII_RXD3", "RGMII_TXCLK", "RGMII_TXCTL", "RGMII_TXD0", "RGMII_TXD1", "RGMII_TXD2",
               "RGMII_TXD3"},
              58),
    forty_pin_header(),
    bcm_default_pulls(),
};

std::vector<std::string> rp1_names() {
  std::vector<std::string> v = {"ID_SDA", "ID_SCL"};
  for (int i = 2; i <= 27; ++i) v.push_back("GPIO" + std::to_string(i));
  v.resize(54);  // 28-53 are board-internal (PCIe, fan, camera/display, Ethernet): not named here
  return v;
}

// The RP1's reset pulls are not in the tables we wrote these from; only the board's own 1.8 kOhm
// pull-ups on I2C1 (GPIO 2 and 3), present on every 40-pin Pi, are certain.
std::vector<Bias> rp1_default_pulls() {
  std::vector<Bias> v(28, Bias::as_is);
  v[2] = v[3] = Bias::pull_up;
  return v;
}

const Board pi5{
    "Raspberry Pi 5",
    "pi5",
    {"Raspberry Pi 5"},
    "BCM2712 + RP1",
    "pinctrl-rp1",  // gpiochip4 on kernels before 6.6.45, gpiochip0 after: hence lookup by label
    54,
    rp1_names(),
    forty_pin_header(),
    rp1_default_pulls(),
};

const std::array<const Board*, 4> all_boards = {&zero_w, &pi3b, &pi4b, &pi5};

// clang-format on

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
const Board& raspberry_pi_zero_w() { return zero_w; }
const Board& raspberry_pi_3b() { return pi3b; }
const Board& raspberry_pi_4b() { return pi4b; }
const Board& raspberry_pi_5() { return pi5; }
std::span<const Board* const> all() { return all_boards; }
const Board* find(std::string_view id) {
  for (const Board* b : all_boards)
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
  for (const Board* b : all_boards)
    for (std::string_view prefix : b->model_prefixes)
      if (model.starts_with(prefix) && prefix.size() > best_len) {
        best = b;
        best_len = prefix.size();
      }
  return best;
}

const Board* board_for_chip_label(std::string_view label) {
  for (const Board* b : all_boards)
    if (b->chip_label == label) return b;
  return nullptr;
}

}  // namespace pinfiber::gpio
