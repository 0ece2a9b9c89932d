#include "pinfiber/devices/mcp3008.hpp"

#include <cerrno>
#include <string>

#include "pinfiber/bus/error.hpp"

namespace pinfiber::devices {

Mcp3008::Mcp3008(bus::SpiBus& bus, unsigned channel, const Mcp3008Options& options)
    : bus_(bus),
      channel_(channel),
      differential_(options.differential),
      max_voltage_(options.max_voltage),
      timeout_(options.timeout) {
  if (channel > 7)
    throw Error::exactly(
        EINVAL, "open MCP3008 channel " + std::to_string(channel) + " on " + bus.name() + ": it has channels 0-7");
}

unsigned Mcp3008::raw_value(TimeSpan timeout) {
  const Duration limit = timeout.duration() == object_timeout ? timeout_ : timeout.duration();
  // Byte 0: seven zeros and the start bit, so the answer's 10 bits end byte-aligned. Byte 1: SGL/DIFF
  // and D2-D0 at the top. The chip answers a null bit and B9-B8 in byte 1's last bits, B7-B0 in byte 2.
  const std::uint8_t tx[3] = {0x01, static_cast<std::uint8_t>((differential_ ? 0x00 : 0x80) | channel_ << 4), 0x00};
  std::uint8_t rx[3] = {};
  try {
    bus_.transfer(tx, rx, limit);
  } catch (const bus::BusError& e) {
    throw bus::BusError::exactly(e.code().value(),
                                 "read MCP3008 channel " + std::to_string(channel_) + ": " + e.what());
  }
  return static_cast<unsigned>((rx[1] & 0x03) << 8 | rx[2]);
}

}  // namespace pinfiber::devices
