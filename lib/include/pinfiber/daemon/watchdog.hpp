#pragma once
// The service manager's watchdog (systemd's WatchdogSec=, sd_watchdog_enabled(3)): the daemon must
// send WATCHDOG=1 more often than the interval, or systemd kills and (with Restart=) restarts it.
//
// The pets come from the hub itself - a real-time timer of the event loop, every half interval - so
// they stop exactly when the hub stops running: a greenlet that blocks the hub (a blocking call, a
// busy loop) past the interval stops the petting, and systemd restarts the daemon. That is the
// BlockingMonitor's notion of health (the hub keeps switching); run_daemon ties the two together so
// the monitor names the greenlet in the log at half the interval, before systemd acts. A health check
// of the program's own (a sensor still answers) can withhold pets too.
//
//   pinfiber::Watchdog watchdog;           // WATCHDOG_USEC=10000000 -> WATCHDOG=1 every 5 s
//   watchdog.set_health_check([&] { return clock() - last_sample < 30s; });

#include <cstdint>
#include <functional>
#include <memory>

#include "pinfiber/core/clock.hpp"

namespace pinfiber {

/// The interval the manager asked for: WATCHDOG_USEC, when WATCHDOG_PID is unset or this process's
/// pid; zero when there is no watchdog for this process. Never blocks.
Duration watchdog_interval();

/// Pets the service manager's watchdog from the calling thread's hub while it lives.
class Watchdog {
 public:
  /// Pets every watchdog_interval() / 2, if there is a watchdog and a notify socket; otherwise does
  /// nothing (enabled() is false). Never blocks.
  Watchdog();
  /// Pets every `interval` / 2 whatever the environment says (a notify socket is still needed).
  /// Throws Error for an interval below 2 ms.
  explicit Watchdog(TimeSpan interval);
  /// Stops petting.
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  bool enabled() const;
  Duration interval() const;
  /// Pets sent so far.
  std::uint64_t pets() const;
  /// Runs before each pet, in the hub (it must not block): false withholds that pet. Replaces the
  /// previous check; an empty function removes it.
  void set_health_check(std::function<bool()> healthy);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pinfiber
