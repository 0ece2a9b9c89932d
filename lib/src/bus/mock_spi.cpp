#include "pinfiber/bus/mock_spi.hpp"

#include <algorithm>
#include <cerrno>
#include <vector>

#include "pinfiber/bus/error.hpp"
#include "pinfiber/core/sleep.hpp"

namespace pinfiber::bus {

MockSpiBus::MockSpiBus(std::string name, const SpiSettings& settings) : name_(std::move(name)), settings_(settings) {}

void MockSpiBus::configure(const SpiSettings& s) {
  if (s.mode > 3 || s.speed_hz == 0 || s.bits_per_word == 0)
    throw BusError(EINVAL, "configure " + name_, "mode 0-3, a speed and a word size above zero");
  settings_ = s;
}

void MockSpiBus::transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx, TimeSpan timeout) {
  const std::string what = "transfer " + std::to_string(tx.size()) + " bytes on " + name_;
  if (tx.empty() || (!rx.empty() && rx.size() != tx.size()))
    throw BusError(EINVAL, what, "rx is empty or as long as tx, which is not empty");
  const TimePoint deadline = deadline_in(resolve(timeout));
  const auto left = [&] {
    return deadline == TimePoint::max() ? forever : std::max(Duration::zero(), deadline - Clock::now());
  };
  if (!lock_.acquire(left())) throw TimeoutError(what, "waiting for the bus");
  struct Release {
    Lock& lock;
    ~Release() { lock.release(); }
  } release{lock_};
  ++transfers_;
  if (latency_ > Duration::zero()) {
    if (deadline_after(Clock::now(), latency_) > deadline) {
      pinfiber::sleep(left());
      throw TimeoutError(what, "(the mock bus's latency is longer than the timeout)");
    }
    pinfiber::sleep(latency_);
  }
  if (const int err = std::exchange(fail_next_, 0)) throw BusError(err, what);
  std::vector<std::uint8_t> miso(tx.size(), 0xff);
  if (device_) device_->on_transfer(tx, miso, settings_);
  if (!rx.empty()) std::copy(miso.begin(), miso.end(), rx.begin());
}

}  // namespace pinfiber::bus
