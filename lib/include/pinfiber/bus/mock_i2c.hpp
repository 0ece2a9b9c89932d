#pragma once
// The mock I2C bus: device models in memory behind the I2cBus interface, for host tests of drivers
// and of programs that use them - in the style of the GPIO mock: the test attaches models, the code
// under test talks to the bus as it would on a Pi, the test asserts what the models saw.

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "pinfiber/bus/i2c_bus.hpp"
#include "pinfiber/core/clock.hpp"
#include "pinfiber/sync/lock.hpp"

namespace pinfiber::bus {

/// A device on a MockI2cBus, as the wire sees it: each message of a transaction addressed to it is
/// one call. SMBus transfers arrive as the messages the kernel would make of them on a plain I2C
/// controller (a register read is a write of the register number, then a read). Derive from it for
/// a device with its own protocol, or from MockI2cRegisters for the usual register file.
class MockI2cDevice {
 public:
  virtual ~MockI2cDevice() = default;
  /// A write message: `bytes` as sent. Returns false to leave it unacknowledged (the transfer fails
  /// with EREMOTEIO, as a Pi's controller reports a NAK).
  virtual bool on_write(std::span<const std::uint8_t> bytes) = 0;
  /// A read message: fill `out`. Returns false to leave the address unacknowledged.
  virtual bool on_read(std::span<std::uint8_t> out) = 0;
};

/// A register file of 256 bytes with a register pointer that advances after every byte read or
/// written, as most I2C sensors have: a write sets the pointer from its first byte and stores the
/// rest from there on; a read sends from the pointer on. Derive to give registers behaviour
/// (read_register / write_register).
///
///   pinfiber::bus::MockI2cRegisters chip;  chip.set(0xd0, 0x60);
///   bus.attach(0x76, chip);
///   EXPECT_EQ(bus.read_byte_data(0x76, 0xd0), 0x60);
class MockI2cRegisters : public MockI2cDevice {
 public:
  /// The stored value of register `reg`.
  std::uint8_t get(std::uint8_t reg) const { return regs_[reg]; }
  /// Stores `value` in `reg` / `bytes` from `reg` on (wrapping after 0xff), as a test sets up a chip.
  void set(std::uint8_t reg, std::uint8_t value) { regs_[reg] = value; }
  void set(std::uint8_t reg, std::span<const std::uint8_t> bytes);
  /// Where the register pointer is.
  std::uint8_t pointer() const { return pointer_; }

  bool on_write(std::span<const std::uint8_t> bytes) override;
  bool on_read(std::span<std::uint8_t> out) override;

 protected:
  /// A byte of register `reg` as the bus reads it (default: the stored value).
  virtual std::uint8_t read_register(std::uint8_t reg) { return regs_[reg]; }
  /// A byte the bus writes to `reg` (default: stored).
  virtual void write_register(std::uint8_t reg, std::uint8_t value) { regs_[reg] = value; }

  std::array<std::uint8_t, 256> regs_{};
  std::uint8_t pointer_ = 0;
};

/// An I2C bus in memory: addresses with a model attached answer; others do not (EREMOTEIO, as a
/// Pi's controller reports a NAK). Its functions can be narrowed to an SMBus-only adapter's, to test
/// a driver's fallback. Transfers complete at once unless given a latency, which blocks the calling
/// greenlet on the hub's clock (so a timeout can be tested exactly on the paused clock). Models are
/// not owned and must outlive their attachment. Use it from the hub's thread only.
///
///   pinfiber::bus::MockI2cBus bus;
///   pinfiber::devices::MockBme280 sensor(bus, 0x76);       // attaches itself
///   pinfiber::devices::Bme280 bme(bus, 0x76);              // the real driver, on the mock
class MockI2cBus final : public I2cBus {
 public:
  explicit MockI2cBus(I2cFunctions functions = I2cFunctions::all(), std::string name = "mock I2C bus");
  MockI2cBus(const MockI2cBus&) = delete;
  MockI2cBus& operator=(const MockI2cBus&) = delete;

  /// Puts `device` at `address` (0x03-0x77). Throws BusError EBUSY if the address is taken, EINVAL
  /// if it is out of range.
  void attach(std::uint16_t address, MockI2cDevice& device);
  /// Takes the device at `address` off the bus (nothing if none).
  void detach(std::uint16_t address);
  /// Narrows or widens what the adapter can do, for the transfers from now on.
  void set_functions(I2cFunctions functions) { functions_ = functions; }
  /// The next transfer fails with `err` (EREMOTEIO: a NAK, ETIMEDOUT: the controller gave up, EIO),
  /// before reaching any model; the ones after it work again.
  void fail_next(int err) { fail_next_ = err; }
  /// Every transfer takes `latency` on the hub's clock, blocking only its greenlet (default zero).
  void set_latency(TimeSpan latency) { latency_ = latency; }
  /// Transfers and SMBus transfers that reached the bus so far (failed ones included).
  std::uint64_t transfers() const { return transfers_; }

  const std::string& name() const override { return name_; }
  I2cFunctions functions() const override { return functions_; }
  void transfer(std::span<I2cMessage> messages, TimeSpan timeout = object_timeout) override;
  void smbus(const SmbusTransfer& transfer, TimeSpan timeout = object_timeout) override;

 private:
  // The wire: runs `messages`, or throws BusError(`what` on this bus).
  void run(std::span<I2cMessage> messages, Duration timeout, const std::string& what);

  std::string name_;
  I2cFunctions functions_;
  std::map<std::uint16_t, MockI2cDevice*> devices_;
  int fail_next_ = 0;
  Duration latency_ = Duration::zero();
  std::uint64_t transfers_ = 0;
  Lock lock_;
};

}  // namespace pinfiber::bus
