#pragma once
// SysfsPwm: a hardware PWM channel through the kernel's sysfs PWM class (/sys/class/pwm/pwmchipN).

#include <string>

#include "pinfiber/bus/pwm.hpp"

namespace pinfiber::bus {

/// How a SysfsPwm is opened.
struct SysfsPwmOptions {
  /// Where the PWM chips are listed: /sys/class/pwm on a real system, a directory of a test's own.
  std::string sysfs = "/sys/class/pwm";
  /// How long to wait for pwmN/ to appear (and become writable: udev sets its group) after the
  /// channel is exported; the hub runs meanwhile.
  TimeSpan export_timeout = std::chrono::seconds(1);
  /// The period set when opening.
  Duration period = std::chrono::milliseconds(10);
};

/// Channel `channel` of PWM chip `chip`, driven by the PWM controller: no jitter, no CPU. On a Pi the
/// controller's two channels reach BCM 12/18 (PWM0) and 13/19 (PWM1) with the pwm-2chan overlay
/// (`dtoverlay=pwm-2chan` in config.txt; pwmchip0, channels 0 and 1). Opening exports the channel
/// (unless exported already), waits for its directory, sets the period and enables it at duty 0;
/// destroying it sets duty 0, disables and unexports it. Each call is a write to a sysfs attribute,
/// which the PWM driver carries out at once (register writes, no bus): they run inline on the hub.
/// Errors are BusError naming the file ("write 20000000 to /sys/class/pwm/pwmchip0/pwm0/period:
/// Invalid argument"); a missing chip says how to enable it.
///
///   pinfiber::bus::SysfsPwm pwm(0, 0);          // PWM0: BCM 18 with dtoverlay=pwm-2chan
///   pwm.set_period(20ms);  pwm.set_duty_cycle(0.075);    // a servo's centre
class SysfsPwm final : public Pwm {
 public:
  /// Throws BusError: ENOENT "open PWM chip /sys/class/pwm/pwmchip0: No such file or directory
  /// (enable it: dtoverlay=pwm-2chan in config.txt)", EACCES, EINVAL for a channel the chip lacks;
  /// TimeoutError when pwmN/ does not appear in options.export_timeout.
  SysfsPwm(unsigned chip, unsigned channel, const SysfsPwmOptions& options = {});
  SysfsPwm(const SysfsPwm&) = delete;
  SysfsPwm& operator=(const SysfsPwm&) = delete;
  /// Duty 0, disabled, unexported. Never throws.
  ~SysfsPwm() override;

  const std::string& name() const override { return name_; }
  void set_period(Duration period) override;
  Duration period() const override { return period_; }
  void set_duty_cycle(double duty) override;
  double duty_cycle() const override { return duty_; }

  /// The channel's directory (…/pwmchip0/pwm0).
  const std::string& path() const { return path_; }

 private:
  void write(const std::string& attribute, const std::string& value) const;
  std::string chip_path_;
  std::string path_;
  std::string name_;
  unsigned channel_;
  Duration period_{0};
  double duty_ = 0;
  bool exported_by_us_ = false;
};

}  // namespace pinfiber::bus
