#include "pinfiber/daemon/watchdog.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/logging.hpp"
#include "pinfiber/daemon/notify.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber {

namespace {

bool parse_number(const char* text, unsigned long long& out) {
  const char* end = text + std::strlen(text);
  const auto r = std::from_chars(text, end, out);
  return r.ec == std::errc() && r.ptr == end;
}

}  // namespace

Duration watchdog_interval() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  unsigned long long us = 0;
  if (!usec || !parse_number(usec, us) || us == 0) return Duration::zero();
  if (const char* pid = std::getenv("WATCHDOG_PID")) {
    unsigned long long p = 0;
    if (!parse_number(pid, p) || p != static_cast<unsigned long long>(::getpid())) return Duration::zero();
  }
  return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(us));
}

struct Watchdog::Impl {
  Duration interval{};
  std::uint64_t pets = 0;
  std::function<bool()> healthy;
  detail::RealTimer timer{&Impl::on_timer, this};

  // Real time, not the hub's clock: systemd measures the interval on the monotonic clock, and a
  // paused test clock must not turn the pets into a storm or a silence.
  void start() {
    // A pet must not keep a main that waits for nothing from getting LoopExit: a hub with nothing
    // left to do would otherwise look healthy to systemd forever.
    timer.keep_alive(false);
    timer.start(interval / 2);
  }

  static void on_timer(detail::RealTimer& t) {
    auto* self = static_cast<Impl*>(t.context());
    bool ok = true;
    if (self->healthy) {
      try {
        ok = self->healthy();
      } catch (...) {
        ok = false;  // a check that cannot say counts as unhealthy
      }
    }
    if (ok && detail::notify_now("WATCHDOG=1")) ++self->pets;
    if (!ok) detail::report(logging::Level::error, "watchdog: health check failed, pet withheld");
    t.start(self->interval / 2);
  }
};

Watchdog::Watchdog() : impl_(std::make_unique<Impl>()) {
  impl_->interval = watchdog_interval();
  if (impl_->interval > Duration::zero() && notify_enabled()) impl_->start();
}

Watchdog::Watchdog(TimeSpan interval) : impl_(std::make_unique<Impl>()) {
  if (interval.duration() < std::chrono::milliseconds(2)) throw Error("start a watchdog: interval below 2 ms");
  impl_->interval = interval;
  if (notify_enabled()) impl_->start();
}

Watchdog::~Watchdog() = default;

bool Watchdog::enabled() const { return impl_->timer.active(); }
Duration Watchdog::interval() const { return impl_->interval; }
std::uint64_t Watchdog::pets() const { return impl_->pets; }
void Watchdog::set_health_check(std::function<bool()> healthy) { impl_->healthy = std::move(healthy); }

}  // namespace pinfiber
