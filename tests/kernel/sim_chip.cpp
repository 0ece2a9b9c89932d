// SimChip: reads and writes the sim_gpioN/{pull,value} attributes of a gpio-sim chip.

#include "sim_chip.hpp"

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace pinfiber::gpio::testing {

namespace {

std::string read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
  char buf[64];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  const int err = errno;
  ::close(fd);
  if (n < 0) throw std::system_error(err, std::generic_category(), "read " + path);
  std::string s(buf, static_cast<std::size_t>(n));
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

void write_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) throw std::system_error(err, std::generic_category(), "write " + path);
}

}  // namespace

SimChip::SimChip(const std::string& chip_name) {
  // Every gpio-sim device is a platform device whose banks are its gpiochipM children.
  const std::string pattern = "/sys/devices/platform/gpio-sim.*/" + chip_name;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc == 1) dir_ = g.gl_pathv[0];
  ::globfree(&g);
  if (dir_.empty()) throw std::runtime_error(chip_name + " is not a gpio-sim chip (nothing matches " + pattern + ")");
}

std::string SimChip::attribute(unsigned offset, const char* name) const {
  return dir_ + "/sim_gpio" + std::to_string(offset) + "/" + name;
}

void SimChip::drive(unsigned offset, bool high) {
  write_file(attribute(offset, "pull"), high ? "pull-up" : "pull-down");
}

bool SimChip::level(unsigned offset) const { return read_file(attribute(offset, "value")) == "1"; }

std::string SimChip::pull(unsigned offset) const { return read_file(attribute(offset, "pull")); }

}  // namespace pinfiber::gpio::testing
