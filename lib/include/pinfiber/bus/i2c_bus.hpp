#pragma once
// I2cBus: an I2C bus as the devices on it see it - register reads and writes, block reads, combined
// transactions, a scan. One interface with two implementations: I2cDev (the kernel's i2c-dev,
// /dev/i2c-N) and MockI2cBus (device models in memory, for host tests), so a driver written against
// I2cBus runs unchanged on a Pi and in a unit test.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::bus {

/// What an I2C adapter can do (the kernel's I2C_FUNCS bits that matter here). A Pi's controller
/// (i2c-bcm2835) does everything: plain I2C, and every SMBus transfer emulated on it. SMBus-only
/// adapters - a PC's SMBus controller, the kernel's i2c-stub - have no `i2c`: no combined
/// transactions of arbitrary length.
struct I2cFunctions {
  bool i2c = false;              ///< plain I2C messages, combined transactions (I2C_RDWR)
  bool smbus_quick = false;      ///< the address alone, with the R/W bit (a scan's probe)
  bool smbus_byte = false;       ///< one byte read or written, no register
  bool smbus_byte_data = false;  ///< a register's byte
  bool smbus_word_data = false;  ///< a register's 16-bit word, low byte first
  bool smbus_i2c_block = false;  ///< up to 32 consecutive registers from one register number

  /// Everything (what the mock bus has unless told otherwise).
  static constexpr I2cFunctions all() { return {true, true, true, true, true, true}; }
  /// What the kernel's i2c-stub offers: the SMBus transfers, no plain I2C.
  static constexpr I2cFunctions smbus_only() { return {false, true, true, true, true, true}; }
  friend bool operator==(const I2cFunctions&, const I2cFunctions&) = default;
};

/// One message of a combined transaction: a write of `data`, or a read into it, at `address`
/// (7-bit). Messages of one transfer() are joined by repeated STARTs, with a STOP only at the end.
struct I2cMessage {
  std::uint16_t address = 0;
  bool read = false;
  std::uint8_t* data = nullptr;
  std::size_t size = 0;

  static I2cMessage write(std::uint16_t address, std::span<const std::uint8_t> bytes) {
    // The kernel's i2c_msg takes a non-const buffer for both directions; a write never changes it.
    return {address, false, const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
  }
  static I2cMessage read_into(std::uint16_t address, std::span<std::uint8_t> bytes) {
    return {address, true, bytes.data(), bytes.size()};
  }
};

/// The SMBus transfers (the kernel's I2C_SMBUS ioctl, which i2c-tools' libi2c wraps).
enum class SmbusKind : std::uint8_t { quick, byte, byte_data, word_data, i2c_block };

/// One SMBus transfer. `data` holds what is written or receives what is read: nothing for quick, one
/// byte for byte and byte_data, two (low byte first) for word_data, 1 to 32 for i2c_block. For quick,
/// `read` is the R/W bit sent.
struct SmbusTransfer {
  SmbusKind kind = SmbusKind::byte_data;
  bool read = true;
  std::uint16_t address = 0;
  std::uint8_t command = 0;  ///< the register number (unused by quick and byte)
  std::span<std::uint8_t> data;
};

/// "read register 0xd0 of 0x76", "write 4 registers from 0x88 of 0x76", "probe 0x77": what a
/// transfer does, for error messages. Never throws but std::bad_alloc.
std::string describe(const SmbusTransfer& t);

/// An I2C bus. Implementations: I2cDev (the kernel) and MockI2cBus (models). Every call blocks only
/// the calling greenlet, up to `timeout` (the bus's own by default: set_timeout, forever unless set),
/// and throws BusError naming the transfer, the device and the bus ("read register 0xd0 of 0x76 on
/// /dev/i2c-1: Remote I/O error (nothing acknowledged address 0x76)"), TimeoutError, and the
/// caller's interrupts. Transfers of greenlets sharing a bus never interleave. Use a bus from its
/// hub's thread only.
///
///   pinfiber::bus::I2cDev bus("/dev/i2c-1");                   // or a MockI2cBus in a test
///   std::uint8_t id = bus.read_byte_data(0x76, 0xd0);          // 0x60: a BME280
///   std::uint8_t raw[8]; bus.read_block(0x76, 0xf7, raw);      // eight consecutive registers
class I2cBus {
 public:
  virtual ~I2cBus() = default;

  /// must: what errors call it ("/dev/i2c-1", "mock I2C bus 1").
  virtual const std::string& name() const = 0;
  /// must: what the adapter can do.
  virtual I2cFunctions functions() const = 0;
  /// must: runs `messages` as one combined transaction (I2C_RDWR). Throws BusError (EOPNOTSUPP
  /// when the adapter has no plain I2C, EREMOTEIO/ENXIO when nothing acknowledged, EINVAL for an
  /// empty list or message), TimeoutError.
  virtual void transfer(std::span<I2cMessage> messages, TimeSpan timeout = object_timeout) = 0;
  /// must: runs one SMBus transfer. Throws BusError (EOPNOTSUPP when the adapter lacks that kind,
  /// EINVAL for a size that does not fit the kind), TimeoutError.
  virtual void smbus(const SmbusTransfer& transfer, TimeSpan timeout = object_timeout) = 0;

  /// The byte in register `reg` of the device at `address` (SMBus read byte data).
  std::uint8_t read_byte_data(std::uint16_t address, std::uint8_t reg, TimeSpan timeout = object_timeout);
  /// Writes `value` to register `reg` (SMBus write byte data).
  void write_byte_data(std::uint16_t address, std::uint8_t reg, std::uint8_t value, TimeSpan timeout = object_timeout);
  /// The 16-bit word at `reg`, sent low byte first as SMBus does (SMBus read word data). For a device
  /// that sends its words high byte first, read_block() two bytes and use bytes' load_u16be.
  std::uint16_t read_word_data(std::uint16_t address, std::uint8_t reg, TimeSpan timeout = object_timeout);
  void write_word_data(std::uint16_t address, std::uint8_t reg, std::uint16_t value, TimeSpan timeout = object_timeout);
  /// Reads out.size() consecutive registers from `reg` (a device that advances its register pointer
  /// as it sends, as nearly all sensors do): one combined write-then-read transaction where the
  /// adapter has plain I2C, else SMBus I2C block reads of up to 32 bytes each.
  void read_block(std::uint16_t address, std::uint8_t reg, std::span<std::uint8_t> out,
                  TimeSpan timeout = object_timeout);
  /// Writes `bytes` to consecutive registers from `reg`: one write message where the adapter has
  /// plain I2C, else SMBus I2C block writes of up to 32 bytes each.
  void write_block(std::uint16_t address, std::uint8_t reg, std::span<const std::uint8_t> bytes,
                   TimeSpan timeout = object_timeout);
  /// Writes `out`, then reads `in` with a repeated START, in one transaction (a command, then its
  /// answer). Needs plain I2C (BusError EOPNOTSUPP otherwise).
  void write_read(std::uint16_t address, std::span<const std::uint8_t> out, std::span<std::uint8_t> in,
                  TimeSpan timeout = object_timeout);
  /// True if a device acknowledges `address`, asked as i2cdetect asks by default: a quick write,
  /// except for 0x30-0x37 and 0x50-0x5f (EEPROMs, which a quick write could write-protect) and on
  /// adapters without quick, where it reads a byte. An address held by a kernel driver counts as
  /// present. Throws BusError for failures other than "nobody there", TimeoutError.
  virtual bool probe(std::uint16_t address, TimeSpan timeout = object_timeout);
  /// The addresses from `first` to `last` (default: the 7-bit range i2cdetect scans, 0x08-0x77)
  /// where probe() finds a device, in order. The timeout covers the whole scan.
  virtual std::vector<std::uint16_t> scan(std::uint16_t first = 0x08, std::uint16_t last = 0x77,
                                          TimeSpan timeout = object_timeout);

  /// The timeout of every call that is not given one (default: forever; the kernel bounds a
  /// transfer on a Pi's controller to 1 s by itself, i2c-bcm2835's BCM2835_I2C_TIMEOUT).
  void set_timeout(TimeSpan timeout) { timeout_ = timeout; }
  Duration timeout() const { return timeout_; }

 protected:
  /// The deadline of a call given `timeout` (object_timeout: the bus's own).
  Duration resolve(TimeSpan timeout) const {
    return timeout.duration() == object_timeout ? timeout_ : timeout.duration();
  }

 private:
  Duration timeout_ = forever;
};

/// "0x76": a 7-bit address as i2c-tools print it. Never throws but std::bad_alloc.
std::string i2c_address_text(std::uint16_t address);

}  // namespace pinfiber::bus
