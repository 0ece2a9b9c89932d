#pragma once
// MockMcp3008: a simulated MCP3008 on a MockSpiBus: the test sets each input's voltage, the real
// Mcp3008 driver reads it.

#include <array>
#include <cstdint>

#include "pinfiber/bus/mock_spi.hpp"

namespace pinfiber::devices {

/// Answers the datasheet's 3-byte conversion (section 6.1) with 1024 * (V+ - V-) / Vref (equation 4-2), rounded
/// down and clamped to 0..1023, as the chip's successive approximation does. It checks what a real
/// chip needs and answers 0xff bytes (MISO floating) otherwise: SPI mode 0 or 3 and a clock within
/// `max_speed_hz` (1.35 MHz: the datasheet's limit at 2.7 V; 3.6 MHz at 5 V). Attaches itself to the
/// bus; detaches when destroyed.
class MockMcp3008 : public bus::MockSpiDevice {
 public:
  explicit MockMcp3008(bus::MockSpiBus& bus, double vref = 3.3, std::uint32_t max_speed_hz = 1'350'000);
  ~MockMcp3008() override;
  MockMcp3008(const MockMcp3008&) = delete;
  MockMcp3008& operator=(const MockMcp3008&) = delete;

  /// The voltage on input `channel` (0-7).
  void set_voltage(unsigned channel, double volts) { volts_.at(channel) = volts; }
  /// Conversions answered, and transfers refused (wrong mode or clock too fast).
  unsigned conversions() const { return conversions_; }
  unsigned refused() const { return refused_; }

  void on_transfer(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso,
                   const bus::SpiSettings& settings) override;

 private:
  bus::MockSpiBus& bus_;
  double vref_;
  std::uint32_t max_speed_hz_;
  std::array<double, 8> volts_{};
  unsigned conversions_ = 0, refused_ = 0;
};

}  // namespace pinfiber::devices
