#pragma once
// SpiBus: one SPI device (a chip select on a controller) as its driver sees it - full-duplex
// transfers at a mode, a clock rate and a word size. Two implementations: SpiDev (the kernel's
// spidev, /dev/spidevB.C) and MockSpiBus (a device model in memory), so a driver (Mcp3008) runs
// unchanged on a Pi and in a unit test.

#include <cstdint>
#include <span>
#include <string>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::bus {

/// How the bus clocks: the SPI mode (0-3: clock polarity << 1 | phase), the clock rate and the
/// bits per word.
struct SpiSettings {
  std::uint8_t mode = 0;
  std::uint32_t speed_hz = 500000;
  std::uint8_t bits_per_word = 8;
  friend bool operator==(const SpiSettings&, const SpiSettings&) = default;
};

/// An SPI device. transfer() clocks tx out while clocking rx in (the same length), with the chip
/// select held for the whole transfer. Every call blocks only the calling greenlet, up to `timeout`
/// (the bus's own by default: set_timeout, forever unless set), and throws BusError naming the
/// device ("transfer 3 bytes on /dev/spidev0.0: ..."), TimeoutError, and the caller's interrupts.
/// Transfers of greenlets sharing it never interleave. Use it from its hub's thread only.
///
///   pinfiber::bus::SpiDev spi(0, 0, {.speed_hz = 1'000'000});     // or a MockSpiBus in a test
///   std::uint8_t tx[3] = {0x01, 0x80, 0x00}, rx[3];
///   spi.transfer(tx, rx);
class SpiBus {
 public:
  virtual ~SpiBus() = default;

  /// must: what errors call it ("/dev/spidev0.0", "mock SPI bus").
  virtual const std::string& name() const = 0;
  /// must: a full-duplex transfer. `rx` is empty (a write only) or as long as `tx`. Throws BusError
  /// (EINVAL for lengths that differ or an empty tx), TimeoutError.
  virtual void transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx,
                        TimeSpan timeout = object_timeout) = 0;
  /// must: the settings for the transfers from now on. Throws BusError if the controller refuses.
  virtual void configure(const SpiSettings& settings) = 0;
  virtual SpiSettings settings() const = 0;

  void set_timeout(TimeSpan timeout) { timeout_ = timeout; }
  Duration timeout() const { return timeout_; }

 protected:
  Duration resolve(TimeSpan timeout) const {
    return timeout.duration() == object_timeout ? timeout_ : timeout.duration();
  }

 private:
  Duration timeout_ = forever;
};

}  // namespace pinfiber::bus
