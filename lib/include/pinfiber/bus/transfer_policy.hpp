#pragma once
// Where a bus runs a transfer that blocks in the kernel (an I2C or SPI ioctl): inline on the hub's
// thread, or on pinfiber::thread_pool() while the calling greenlet waits and the others run.

#include <chrono>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::bus {

/// The choice, made per call from how long the transfer takes on the wire at the bus's clock rate.
/// A transfer run inline stops the whole hub (every greenlet, every timer, a software PWM's edges)
/// while the controller shifts the bits; one run on the thread pool stops only the calling greenlet,
/// but hands the call to a worker thread and back, which costs the hub a few context switches of its
/// only core on a Pi Zero W (docs/peripherals.md has the measured figures). So short transfers run
/// inline and long ones on the pool.
///
///   pinfiber::bus::I2cDev bus("/dev/i2c-1", {.policy = {.inline_limit = 0us}});   // always the pool
///   pinfiber::bus::I2cDev fast("/dev/i2c-1", {.policy = {.inline_limit = pinfiber::forever}});  // never
struct TransferPolicy {
  /// Transfers expected to take at most this long on the wire run inline. The default, 100 us, is
  /// an estimate of what handing a call to a worker and back costs on a Pi Zero W (33 us measured on
  /// a loaded x86 PC, bench/bus_pool_round_trip.cpp; docs/peripherals.md): shorter transfers are
  /// cheaper to wait for than to hand over. At the Pi's
  /// default 100 kHz I2C clock that sends every register access to the pool (a one-register read
  /// is about 0.4 ms on the wire); at 400 kHz single-register reads and writes run inline; an
  /// MCP3008 conversion (3 bytes at 1 MHz: 24 us) always does.
  Duration inline_limit = std::chrono::microseconds(100);

  /// True when a transfer of `wire_time` runs inline.
  constexpr bool runs_inline(Duration wire_time) const { return wire_time <= inline_limit; }
};

/// How long `bits` take on a wire clocked at `hz`, rounded up to whole nanoseconds. Never throws.
constexpr Duration wire_time(unsigned long long bits, unsigned long hz) {
  if (hz == 0) return forever;
  return Duration((bits * 1'000'000'000ULL + hz - 1) / hz);
}

}  // namespace pinfiber::bus
