// SysfsPwm: the sysfs PWM ABI (Documentation/ABI/testing/sysfs-class-pwm): export/unexport in the
// chip's directory, period/duty_cycle/enable/polarity in pwmN/, times in nanoseconds.

#include "pinfiber/bus/sysfs_pwm.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <string>

#include "pinfiber/bus/error.hpp"
#include "pinfiber/core/sleep.hpp"

namespace pinfiber::bus {

namespace {

// How often to look for pwmN/ after an export: the kernel makes it at once, udev then changes its
// group (on Raspberry Pi OS, to gpio) a few milliseconds later.
constexpr auto kExportPoll = std::chrono::milliseconds(1);

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Writes `value` to a sysfs attribute in one write(2), as the ABI wants; returns 0 or an errno.
int write_attribute(const std::string& file, const std::string& value) {
  // O_TRUNC as a shell's `echo 1 > enable` opens it: sysfs ignores it, a test's plain file needs it.
  const int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return errno;
  const ssize_t n = ::write(fd, value.data(), value.size());
  const int err = n < 0 ? errno : (static_cast<std::size_t>(n) == value.size() ? 0 : EIO);
  ::close(fd);
  return err;
}

}  // namespace

SysfsPwm::SysfsPwm(unsigned chip, unsigned channel, const SysfsPwmOptions& options)
    : chip_path_(options.sysfs + "/pwmchip" + std::to_string(chip)),
      path_(chip_path_ + "/pwm" + std::to_string(channel)),
      name_("pwmchip" + std::to_string(chip) + "/pwm" + std::to_string(channel)),
      channel_(channel) {
  if (!exists(chip_path_)) {
    const int err = errno;
    throw BusError(err, "open PWM chip " + chip_path_,
                   err == ENOENT ? "enable it: dtoverlay=pwm-2chan in config.txt" : "");
  }
  if (!exists(path_)) {
    if (const int err = write_attribute(chip_path_ + "/export", std::to_string(channel)))
      throw BusError(err, "export channel " + std::to_string(channel) + " of " + chip_path_,
                     err == EINVAL ? "the chip has no such channel (see its npwm)" : "");
    exported_by_us_ = true;
    // The directory appears at once; its attributes become writable for a non-root user when udev
    // has changed their group: wait for both, on the hub.
    const TimePoint deadline = deadline_in(options.export_timeout);
    while (!exists(path_) || ::access((path_ + "/period").c_str(), W_OK) != 0) {
      if (Clock::now() >= deadline)
        throw TimeoutError("export " + name_, "waiting for " + path_ + " to appear and be writable");
      pinfiber::sleep(kExportPoll);
    }
  }
  try {
    // A previous user may have left it running with a duty cycle longer than our period: zero first.
    write("duty_cycle", "0");
    set_period(options.period);
    write("enable", "1");
  } catch (...) {
    if (exported_by_us_) write_attribute(chip_path_ + "/unexport", std::to_string(channel_));
    throw;
  }
}

SysfsPwm::~SysfsPwm() {
  write_attribute(path_ + "/duty_cycle", "0");
  write_attribute(path_ + "/enable", "0");
  if (exported_by_us_) write_attribute(chip_path_ + "/unexport", std::to_string(channel_));
}

void SysfsPwm::write(const std::string& attribute, const std::string& value) const {
  const std::string file = path_ + "/" + attribute;
  if (const int err = write_attribute(file, value)) throw BusError(err, "write " + value + " to " + file);
}

void SysfsPwm::set_period(Duration period) {
  if (period <= Duration::zero()) throw Error::exactly(EINVAL, "set the period of " + name_ + ": it must be positive");
  const auto duty_ns = [&](Duration p) { return std::to_string(std::llround(static_cast<double>(p.count()) * duty_)); };
  // The kernel refuses a duty cycle longer than the period at every step: shorten the duty cycle
  // before a shorter period, lengthen it after a longer one.
  if (period < period_) write("duty_cycle", duty_ns(period));
  write("period", std::to_string(period.count()));
  if (period >= period_ && duty_ > 0) write("duty_cycle", duty_ns(period));
  period_ = period;
}

void SysfsPwm::set_duty_cycle(double duty) {
  if (!(duty >= 0 && duty <= 1))
    throw Error::exactly(EINVAL, "set the duty cycle of " + name_ + " to " + std::to_string(duty) + ": outside 0..1");
  write("duty_cycle", std::to_string(std::llround(static_cast<double>(period_.count()) * duty)));
  duty_ = duty;
}

}  // namespace pinfiber::bus
