// The mock I2C bus: SMBus transfers become the messages the kernel makes of them on a plain I2C
// controller, and every message reaches the model at its address.

#include "pinfiber/bus/mock_i2c.hpp"

#include <cerrno>
#include <vector>

#include "pinfiber/bus/error.hpp"
#include "pinfiber/core/sleep.hpp"

namespace pinfiber::bus {

// --- MockI2cRegisters ---------------------------------------------------------------------------

void MockI2cRegisters::set(std::uint8_t reg, std::span<const std::uint8_t> bytes) {
  for (std::uint8_t b : bytes) regs_[reg++] = b;
}

bool MockI2cRegisters::on_write(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return true;  // a quick write: acknowledged, nothing stored
  pointer_ = bytes[0];
  for (std::size_t i = 1; i < bytes.size(); ++i) write_register(pointer_++, bytes[i]);
  return true;
}

bool MockI2cRegisters::on_read(std::span<std::uint8_t> out) {
  for (std::uint8_t& b : out) b = read_register(pointer_++);
  return true;
}

// --- MockI2cBus ---------------------------------------------------------------------------------

MockI2cBus::MockI2cBus(I2cFunctions functions, std::string name) : name_(std::move(name)), functions_(functions) {}

void MockI2cBus::attach(std::uint16_t address, MockI2cDevice& device) {
  const std::string what = "attach a mock device at " + i2c_address_text(address) + " on " + name_;
  if (address < 0x03 || address > 0x77) throw BusError(EINVAL, what, "7-bit addresses 0x03-0x77 only");
  if (!devices_.emplace(address, &device).second) throw BusError(EBUSY, what, "another device is there");
}

void MockI2cBus::detach(std::uint16_t address) { devices_.erase(address); }

void MockI2cBus::run(std::span<I2cMessage> messages, Duration timeout, const std::string& what) {
  const TimePoint deadline = deadline_in(timeout);
  if (!lock_.acquire(timeout)) throw TimeoutError(what + " on " + name_, "waiting for the bus");
  struct Release {
    Lock& lock;
    ~Release() { lock.release(); }
  } release{lock_};
  ++transfers_;
  if (latency_ > Duration::zero()) {
    const TimePoint done = deadline_after(Clock::now(), latency_);
    if (done > deadline) {
      pinfiber::sleep(deadline - Clock::now());
      throw TimeoutError(what + " on " + name_, "(the mock bus's latency is longer than the timeout)");
    }
    pinfiber::sleep(latency_);
  }
  if (const int err = std::exchange(fail_next_, 0))
    throw BusError(err, what + " on " + name_, "failure injected by the test");
  for (I2cMessage& m : messages) {
    auto it = devices_.find(m.address);
    const bool acked = it != devices_.end() &&
                       (m.read ? it->second->on_read({m.data, m.size}) : it->second->on_write({m.data, m.size}));
    if (!acked)
      throw BusError(EREMOTEIO, what + " on " + name_,
                     "nothing acknowledged address " + i2c_address_text(m.address) + ": no mock device there");
  }
}

void MockI2cBus::transfer(std::span<I2cMessage> messages, TimeSpan timeout) {
  const std::uint16_t first = messages.empty() ? 0 : messages[0].address;
  const std::string what = "transfer " + std::to_string(messages.size()) + " message" +
                           (messages.size() == 1 ? "" : "s") + " to " + i2c_address_text(first);
  if (messages.empty()) throw BusError(EINVAL, what + " on " + name_, "a transaction has 1 to 42 messages");
  if (!functions_.i2c) throw BusError(EOPNOTSUPP, what + " on " + name_, "the adapter speaks SMBus only");
  run(messages, resolve(timeout), what);
}

void MockI2cBus::smbus(const SmbusTransfer& t, TimeSpan timeout) {
  const std::string what = describe(t);
  bool supported = false;
  std::size_t need = 0;
  switch (t.kind) {
    case SmbusKind::quick: supported = functions_.smbus_quick; break;
    case SmbusKind::byte: supported = functions_.smbus_byte, need = 1; break;
    case SmbusKind::byte_data: supported = functions_.smbus_byte_data, need = 1; break;
    case SmbusKind::word_data: supported = functions_.smbus_word_data, need = 2; break;
    case SmbusKind::i2c_block: supported = functions_.smbus_i2c_block; break;
  }
  if (t.kind == SmbusKind::i2c_block ? (t.data.empty() || t.data.size() > 32) : t.data.size() != need)
    throw BusError(EINVAL, what + " on " + name_,
                   std::to_string(t.data.size()) + " data bytes do not fit that SMBus transfer");
  if (!supported) throw BusError(EOPNOTSUPP, what + " on " + name_, "the adapter does not offer it");
  std::uint8_t command = t.command;
  std::vector<std::uint8_t> out;  // a write's bytes: the register number, then the data
  switch (t.kind) {
    case SmbusKind::quick: {
      I2cMessage m[1] = {{t.address, t.read, nullptr, 0}};
      run(m, resolve(timeout), what);
      return;
    }
    case SmbusKind::byte: {
      I2cMessage m[1] = {{t.address, t.read, t.data.data(), 1}};
      run(m, resolve(timeout), what);
      return;
    }
    default: break;
  }
  if (t.read) {
    I2cMessage m[2] = {I2cMessage::write(t.address, {&command, 1}), I2cMessage::read_into(t.address, t.data)};
    run(m, resolve(timeout), what);
  } else {
    out.push_back(command);
    out.insert(out.end(), t.data.begin(), t.data.end());
    I2cMessage m[1] = {I2cMessage::write(t.address, out)};
    run(m, resolve(timeout), what);
  }
}

}  // namespace pinfiber::bus
