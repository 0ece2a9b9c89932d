#include "pinfiber/bus/i2c_bus.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "pinfiber/bus/error.hpp"

namespace pinfiber::bus {

namespace {

std::string hex2(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", v & 0xffu);
  return buf;
}

// What is left of `deadline` for the next step of a call made of several transfers.
Duration remaining(TimePoint deadline) {
  if (deadline == TimePoint::max()) return forever;
  const TimePoint now = Clock::now();
  return deadline > now ? deadline - now : Duration::zero();
}

// SMBus I2C block transfers carry at most 32 bytes (I2C_SMBUS_BLOCK_MAX).
constexpr std::size_t kBlockMax = 32;

}  // namespace

std::string i2c_address_text(std::uint16_t address) { return hex2(address); }

std::string describe(const SmbusTransfer& t) {
  const std::string of = " of " + hex2(t.address);
  switch (t.kind) {
    case SmbusKind::quick: return std::string("probe ") + hex2(t.address) + (t.read ? " (quick read)" : "");
    case SmbusKind::byte: return std::string(t.read ? "read a byte from " : "write a byte to ") + hex2(t.address);
    case SmbusKind::byte_data: return (t.read ? "read register " : "write register ") + hex2(t.command) + of;
    case SmbusKind::word_data: return (t.read ? "read word register " : "write word register ") + hex2(t.command) + of;
    case SmbusKind::i2c_block:
      return (t.read ? "read " : "write ") + std::to_string(t.data.size()) + " registers from " + hex2(t.command) + of;
  }
  return "transfer to " + hex2(t.address);
}

std::uint8_t I2cBus::read_byte_data(std::uint16_t address, std::uint8_t reg, TimeSpan timeout) {
  std::uint8_t b = 0;
  smbus({SmbusKind::byte_data, true, address, reg, {&b, 1}}, resolve(timeout));
  return b;
}

void I2cBus::write_byte_data(std::uint16_t address, std::uint8_t reg, std::uint8_t value, TimeSpan timeout) {
  smbus({SmbusKind::byte_data, false, address, reg, {&value, 1}}, resolve(timeout));
}

std::uint16_t I2cBus::read_word_data(std::uint16_t address, std::uint8_t reg, TimeSpan timeout) {
  std::uint8_t w[2] = {};
  smbus({SmbusKind::word_data, true, address, reg, w}, resolve(timeout));
  return static_cast<std::uint16_t>(w[0] | (w[1] << 8));
}

void I2cBus::write_word_data(std::uint16_t address, std::uint8_t reg, std::uint16_t value, TimeSpan timeout) {
  std::uint8_t w[2] = {static_cast<std::uint8_t>(value & 0xff), static_cast<std::uint8_t>(value >> 8)};
  smbus({SmbusKind::word_data, false, address, reg, w}, resolve(timeout));
}

void I2cBus::read_block(std::uint16_t address, std::uint8_t reg, std::span<std::uint8_t> out, TimeSpan timeout) {
  if (out.empty()) return;
  const TimePoint deadline = deadline_in(resolve(timeout));
  const I2cFunctions f = functions();
  if (f.i2c) {
    std::uint8_t r = reg;
    I2cMessage m[2] = {I2cMessage::write(address, {&r, 1}), I2cMessage::read_into(address, out)};
    transfer(m, remaining(deadline));
    return;
  }
  const SmbusTransfer whole{SmbusKind::i2c_block, true, address, reg, out};
  if (!f.smbus_i2c_block)
    throw BusError(EOPNOTSUPP, describe(whole) + " on " + name(),
                   "the adapter has neither plain I2C nor SMBus I2C block transfers");
  if (reg + out.size() > 256) throw BusError(EINVAL, describe(whole) + " on " + name(), "that runs past register 0xff");
  for (std::size_t done = 0; done < out.size(); done += kBlockMax) {
    const std::size_t n = std::min(kBlockMax, out.size() - done);
    smbus({SmbusKind::i2c_block, true, address, static_cast<std::uint8_t>(reg + done), out.subspan(done, n)},
          remaining(deadline));
  }
}

void I2cBus::write_block(std::uint16_t address, std::uint8_t reg, std::span<const std::uint8_t> bytes,
                         TimeSpan timeout) {
  if (bytes.empty()) return;
  const TimePoint deadline = deadline_in(resolve(timeout));
  const I2cFunctions f = functions();
  if (f.i2c) {
    std::vector<std::uint8_t> buf;
    buf.reserve(bytes.size() + 1);
    buf.push_back(reg);
    buf.insert(buf.end(), bytes.begin(), bytes.end());
    I2cMessage m[1] = {I2cMessage::write(address, buf)};
    transfer(m, remaining(deadline));
    return;
  }
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
  const SmbusTransfer whole{SmbusKind::i2c_block, false, address, reg, copy};
  if (!f.smbus_i2c_block)
    throw BusError(EOPNOTSUPP, describe(whole) + " on " + name(),
                   "the adapter has neither plain I2C nor SMBus I2C block transfers");
  if (reg + bytes.size() > 256)
    throw BusError(EINVAL, describe(whole) + " on " + name(), "that runs past register 0xff");
  for (std::size_t done = 0; done < copy.size(); done += kBlockMax) {
    const std::size_t n = std::min(kBlockMax, copy.size() - done);
    smbus({SmbusKind::i2c_block, false, address, static_cast<std::uint8_t>(reg + done),
           std::span<std::uint8_t>(copy).subspan(done, n)},
          remaining(deadline));
  }
}

void I2cBus::write_read(std::uint16_t address, std::span<const std::uint8_t> out, std::span<std::uint8_t> in,
                        TimeSpan timeout) {
  I2cMessage m[2] = {I2cMessage::write(address, out), I2cMessage::read_into(address, in)};
  transfer(m, resolve(timeout));
}

bool I2cBus::probe(std::uint16_t address, TimeSpan timeout) {
  const I2cFunctions f = functions();
  // i2cdetect's default (MODE_AUTO): EEPROM ranges are read, everything else gets a quick write.
  const bool eeprom_range = (address >= 0x30 && address <= 0x37) || (address >= 0x50 && address <= 0x5f);
  std::uint8_t b = 0;
  SmbusTransfer t{SmbusKind::quick, false, address, 0, {}};
  if (eeprom_range || !f.smbus_quick) {
    if (!f.smbus_byte) {
      if (!f.smbus_quick)
        throw BusError(EOPNOTSUPP, "probe " + hex2(address) + " on " + name(),
                       "the adapter has neither SMBus quick nor byte reads");
    } else {
      t = {SmbusKind::byte, true, address, 0, {&b, 1}};
    }
  }
  try {
    smbus(t, resolve(timeout));
    return true;
  } catch (const BusError& e) {
    const int err = e.code().value();
    // Nobody acknowledged: a Pi's controller says EREMOTEIO, i2c-stub ENODEV, others ENXIO or EIO.
    if (err == EREMOTEIO || err == ENXIO || err == ENODEV || err == EIO) return false;
    if (err == EBUSY) return true;  // a kernel driver holds the address (i2cdetect's "UU")
    throw;
  }
}

std::vector<std::uint16_t> I2cBus::scan(std::uint16_t first, std::uint16_t last, TimeSpan timeout) {
  const TimePoint deadline = deadline_in(resolve(timeout));
  std::vector<std::uint16_t> found;
  for (unsigned a = first; a <= last; ++a) {
    if (probe(static_cast<std::uint16_t>(a), remaining(deadline))) found.push_back(static_cast<std::uint16_t>(a));
  }
  return found;
}

}  // namespace pinfiber::bus
