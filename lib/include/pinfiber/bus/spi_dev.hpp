#pragma once
// SpiDev: an SPI device through the kernel's spidev driver (/dev/spidevB.C).

#include <cstdint>
#include <memory>
#include <string>

#include "pinfiber/bus/spi_bus.hpp"
#include "pinfiber/bus/transfer_policy.hpp"

namespace pinfiber::bus {

/// How a SpiDev is opened.
struct SpiOptions {
  SpiSettings settings;
  /// Inline or on the thread pool, per transfer, from its time on the wire at settings.speed_hz.
  TransferPolicy policy;
  TimeSpan timeout = forever;
};

/// Chip select C of SPI controller B through spidev: each transfer is one SPI_IOC_MESSAGE ioctl,
/// run inline when it is short (an MCP3008 reading - 24 bits at 1 MHz, 24 us - always is) and on
/// pinfiber::thread_pool() when it is long (a display's frame), as the policy decides; either way
/// only the calling greenlet waits. Transfers take turns (a greenlet Lock). Not copyable.
///
///   pinfiber::bus::SpiDev adc(0, 0, {.settings = {.mode = 0, .speed_hz = 1'000'000}});
class SpiDev final : public SpiBus {
 public:
  /// Opens /dev/spidev`bus`.`chip_select` and applies options.settings. Never blocks. Throws
  /// BusError: ENOENT "open /dev/spidev0.0: No such file or directory (enable SPI: dtparam=spi=on in
  /// config.txt)", EACCES with a hint about the spi group, ENOTTY/EINVAL when the controller refuses
  /// the settings or the node is not spidev.
  SpiDev(unsigned bus, unsigned chip_select, const SpiOptions& options = {});
  /// The same for a path ("/dev/spidev0.1").
  explicit SpiDev(const std::string& path, const SpiOptions& options = {});
  SpiDev(const SpiDev&) = delete;
  SpiDev& operator=(const SpiDev&) = delete;
  ~SpiDev() override;

  const std::string& name() const override { return path_; }
  void transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx,
                TimeSpan timeout = object_timeout) override;
  void configure(const SpiSettings& settings) override;
  SpiSettings settings() const override { return settings_; }
  std::uint64_t inline_transfers() const { return inline_count_; }
  std::uint64_t pooled_transfers() const { return pooled_count_; }

 private:
  struct State;
  std::string path_;
  SpiOptions options_;
  SpiSettings settings_;
  std::shared_ptr<State> state_;
  std::uint64_t inline_count_ = 0, pooled_count_ = 0;
};

}  // namespace pinfiber::bus
