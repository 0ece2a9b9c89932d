#include "pinfiber/devices/ds18b20.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "pinfiber/bus/error.hpp"
#include "pinfiber/bytes/crc.hpp"

namespace pinfiber::devices {

namespace {
// The scratchpad's power-on temperature: 0x0550, 85 degC (datasheet, Table 1).
constexpr double kPowerOn = 85.0;
}  // namespace

double parse_w1_therm(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  std::string line1, line2;
  std::getline(in, line1);
  std::getline(in, line2);
  const auto malformed = [&] {
    return bus::BusError::exactly(EPROTO, "read " + what + ": not a w1_therm answer: '" + line1 + "'");
  };
  // Nine hex bytes, then "crc=xx YES".
  std::istringstream l1(line1);
  std::vector<std::uint8_t> bytes;
  std::string word;
  while (bytes.size() < 9 && l1 >> word) {
    char* end = nullptr;
    const long b = std::strtol(word.c_str(), &end, 16);
    if (word.size() != 2 || *end != '\0') throw malformed();
    bytes.push_back(static_cast<std::uint8_t>(b));
  }
  std::string colon, crc, verdict;
  if (bytes.size() != 9 || !(l1 >> colon >> crc >> verdict) || colon != ":") throw malformed();
  if (verdict != "YES")
    throw bus::BusError::exactly(EIO, "read " + what + ": the kernel found a CRC error in the scratchpad (" + crc +
                                          " " + verdict + "): noise on the wire, or a weak pull-up");
  if (crc8_maxim(std::span<const std::uint8_t>(bytes).first(8)) != bytes[8])
    throw bus::BusError::exactly(EIO, "read " + what + ": the scratchpad's CRC does not match its bytes");
  if (line2.find("t=") == std::string::npos) throw malformed();
  // The temperature from the scratchpad itself rather than the kernel's t=, which truncates 1/16
  // degC steps to whole millidegrees (25.0625 -> 25.062): bytes 0-1, two's complement in 1/16 degC,
  // with the bits below the configured resolution undefined (datasheet, Figure 4 and Table 2).
  const int resolution_bits = 9 + ((bytes[4] >> 5) & 3);
  auto raw = static_cast<std::int16_t>(bytes[0] | bytes[1] << 8);
  raw = static_cast<std::int16_t>(raw & ~((1 << (12 - resolution_bits)) - 1));
  return raw / 16.0;
}

Ds18b20::Ds18b20(const std::string& id, const Ds18b20Options& options)
    : bus_(options.sysfs), id_(id), timeout_(options.timeout), accept_85_(options.accept_85) {
  if (id_.empty()) {
    const auto found = bus_.devices("28");
    if (found.empty())
      throw bus::BusError::exactly(ENODEV, "find a DS18B20 in " + bus_.sysfs() +
                                               ": none there (wiring, the 4.7 kOhm pull-up, dtoverlay=w1-gpio)");
    if (found.size() > 1) {
      std::string names;
      for (const auto& f : found) names += (names.empty() ? "" : ", ") + f;
      throw bus::BusError::exactly(EEXIST, "find a DS18B20 in " + bus_.sysfs() + ": there are " +
                                               std::to_string(found.size()) + " (" + names + "): name one");
    }
    id_ = found.front();
  }
}

double Ds18b20::read_once(TimePoint deadline) {
  const Duration left = deadline == TimePoint::max() ? forever : std::max(Duration::zero(), deadline - Clock::now());
  return parse_w1_therm(bus_.read_slave(id_, left), "DS18B20 " + id_);
}

double Ds18b20::temperature(TimeSpan timeout) {
  const TimePoint deadline = deadline_in(timeout.duration() == object_timeout ? timeout_ : timeout.duration());
  const double t = read_once(deadline);
  if (t != kPowerOn || accept_85_) return t;
  // The power-on value: a fresh conversion tells a real 85 degC from a sensor that did not convert.
  const double again = read_once(deadline);
  if (again != kPowerOn) return again;
  throw bus::BusError::exactly(EIO, "read DS18B20 " + id_ +
                                        ": 85.000 degC twice, the power-on value: the sensor is not converting "
                                        "(power, or parasite power without a strong pull-up); accept_85 if it "
                                        "really is that hot");
}

}  // namespace pinfiber::devices
