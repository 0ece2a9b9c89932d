// Board tables and board detection.

#include <gmock/gmock.h>

#include <cstdio>
#include <fstream>

#include "pinfiber/gpio/board.hpp"

namespace pinfiber::gpio {
namespace {

TEST(Board, ZeroWHeaderMap) {
  const Board& b = boards::raspberry_pi_zero_w();
  EXPECT_EQ(b.chip_label, "pinctrl-bcm2835");
  EXPECT_EQ(b.num_lines, 54u);
  EXPECT_EQ(b.line_names.size(), 54u);
  EXPECT_EQ(b.header.size(), 40u);
  EXPECT_EQ(b.physical_to_bcm(7), 4u);    // story 10's button
  EXPECT_EQ(b.physical_to_bcm(11), 17u);  // and its LED
  EXPECT_EQ(b.bcm_to_physical(17), 11u);
  EXPECT_EQ(b.physical_to_bcm(6), std::nullopt);  // ground
  EXPECT_EQ(b.pin(1)->kind, PinKind::power_3v3);
  EXPECT_EQ(b.pin(2)->kind, PinKind::power_5v);
  int grounds = 0, gpios = 0;
  for (const auto& p : b.header) {
    grounds += p.kind == PinKind::ground;
    gpios += p.kind == PinKind::gpio;
  }
  EXPECT_EQ(grounds, 8);
  EXPECT_EQ(gpios, 28);
  EXPECT_EQ(b.default_pull(4), Bias::pull_up);
  EXPECT_EQ(b.default_pull(17), Bias::pull_down);
}

TEST(Board, BusPins) {
  const Board& b = boards::raspberry_pi_zero_w();
  auto i2c = b.bus_pins("I2C1");
  ASSERT_EQ(i2c.size(), 2u);
  EXPECT_EQ(i2c[0].bcm, 2);
  EXPECT_EQ(i2c[1].bcm, 3);
  EXPECT_EQ(b.bus_pins("SPI0").size(), 5u);
  EXPECT_EQ(b.bus_pins("UART").size(), 2u);
}

TEST(Board, OtherPisDifferInChipAndLines) {
  EXPECT_EQ(boards::raspberry_pi_3b().chip_label, "pinctrl-bcm2835");
  EXPECT_EQ(boards::raspberry_pi_4b().chip_label, "pinctrl-bcm2711");
  EXPECT_EQ(boards::raspberry_pi_4b().num_lines, 58u);
  EXPECT_EQ(boards::raspberry_pi_4b().line_names.size(), 58u);
  EXPECT_EQ(boards::raspberry_pi_5().chip_label, "pinctrl-rp1");
  EXPECT_EQ(boards::raspberry_pi_5().line_names[17], "GPIO17");
  EXPECT_EQ(boards::find("pi5"), &boards::raspberry_pi_5());
  EXPECT_EQ(boards::find("pi9"), nullptr);
  EXPECT_EQ(board_for_chip_label("pinctrl-rp1"), &boards::raspberry_pi_5());
  for (const Board* b : boards::all()) EXPECT_EQ(b->physical_to_bcm(7), 4u) << b->name;  // one header map
}

TEST(Board, DetectsFromTheDeviceTreeModel) {
  const char* path = "/tmp/pinfiber-board-test-model";
  const auto write = [&](const char* model) { std::ofstream(path) << model << '\0'; };
  write("Raspberry Pi Zero W Rev 1.1");
  EXPECT_EQ(detect_board(path), &boards::raspberry_pi_zero_w());
  write("Raspberry Pi 3 Model B Plus Rev 1.3");
  EXPECT_EQ(detect_board(path), &boards::raspberry_pi_3b());
  write("Raspberry Pi 5 Model B Rev 1.0");
  EXPECT_EQ(detect_board(path), &boards::raspberry_pi_5());
  write("Some PC");
  EXPECT_EQ(detect_board(path), nullptr);
  std::remove(path);
  EXPECT_EQ(detect_board("/nonexistent/model"), nullptr);
}

}  // namespace
}  // namespace pinfiber::gpio
