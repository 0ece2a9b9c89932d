#pragma once
// The mock SPI bus: a device model in memory behind the SpiBus interface, for host tests.

#include <cstdint>
#include <span>
#include <string>

#include "pinfiber/bus/spi_bus.hpp"
#include "pinfiber/sync/lock.hpp"

namespace pinfiber::bus {

/// A device on a MockSpiBus: each transfer is one call, with the bus's settings, as the wire would
/// carry it. Fill `miso` (as long as `mosi`) with what the device shifts out.
class MockSpiDevice {
 public:
  virtual ~MockSpiDevice() = default;
  virtual void on_transfer(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso,
                           const SpiSettings& settings) = 0;
};

/// One chip select in memory. With no device attached, MISO floats high: every byte reads 0xff, as
/// on a Pi with nothing wired. Transfers complete at once unless given a latency on the hub's clock.
/// The model is not owned and must outlive its attachment. Use it from the hub's thread only.
///
///   pinfiber::bus::MockSpiBus spi;
///   pinfiber::devices::MockMcp3008 chip(spi);  chip.set_voltage(0, 1.65);
///   pinfiber::devices::Mcp3008 adc(spi, 0);    EXPECT_NEAR(adc.value(), 0.5, 1.0 / 1023);
class MockSpiBus final : public SpiBus {
 public:
  explicit MockSpiBus(std::string name = "mock SPI bus", const SpiSettings& settings = {});
  MockSpiBus(const MockSpiBus&) = delete;
  MockSpiBus& operator=(const MockSpiBus&) = delete;

  void attach(MockSpiDevice& device) { device_ = &device; }
  void detach() { device_ = nullptr; }
  /// The next transfer fails with `err`; the ones after it work again.
  void fail_next(int err) { fail_next_ = err; }
  void set_latency(TimeSpan latency) { latency_ = latency; }
  std::uint64_t transfers() const { return transfers_; }

  const std::string& name() const override { return name_; }
  void transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx,
                TimeSpan timeout = object_timeout) override;
  void configure(const SpiSettings& settings) override;
  SpiSettings settings() const override { return settings_; }

 private:
  std::string name_;
  SpiSettings settings_;
  MockSpiDevice* device_ = nullptr;
  int fail_next_ = 0;
  Duration latency_ = Duration::zero();
  std::uint64_t transfers_ = 0;
  Lock lock_;
};

}  // namespace pinfiber::bus
