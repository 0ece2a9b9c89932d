// SpiDev: spidev's ioctls (Documentation/spi/spidev.rst): SPI_IOC_WR_MODE, _MAX_SPEED_HZ and
// _BITS_PER_WORD for the settings, SPI_IOC_MESSAGE(1) for a full-duplex transfer.

#include "pinfiber/bus/spi_dev.hpp"

#include <fcntl.h>
#include <linux/spi/spidev.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "bus/device_node.hpp"
#include "bus/pooled_call.hpp"
#include "pinfiber/bus/error.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/io/fd.hpp"
#include "pinfiber/sync/lock.hpp"

namespace pinfiber::bus {

struct SpiDev::State {
  Fd fd;
  Lock lock;  // one transfer at a time, across greenlets and abandoned pooled calls
};

namespace {

Duration remaining(TimePoint deadline) {
  if (deadline == TimePoint::max()) return forever;
  const TimePoint now = Clock::now();
  return deadline > now ? deadline - now : Duration::zero();
}

}  // namespace

SpiDev::SpiDev(unsigned bus, unsigned chip_select, const SpiOptions& options)
    : SpiDev("/dev/spidev" + std::to_string(bus) + "." + std::to_string(chip_select), options) {}

SpiDev::SpiDev(const std::string& path, const SpiOptions& options) : path_(path), options_(options) {
  state_ = std::make_shared<State>();
  state_->fd =
      detail::open_device_node(path_, "enable SPI: dtparam=spi=on in config.txt (raspi-config does it)", "spi");
  configure(options.settings);
  set_timeout(options.timeout);
}

SpiDev::~SpiDev() = default;

void SpiDev::configure(const SpiSettings& s) {
  if (s.mode > 3 || s.speed_hz == 0 || s.bits_per_word == 0)
    throw BusError(EINVAL, "configure " + path_, "mode 0-3, a speed and a word size above zero");
  const int fd = state_->fd.get();
  std::uint8_t mode = s.mode, bits = s.bits_per_word;
  std::uint32_t speed = s.speed_hz;
  const auto set = [&](unsigned long request, void* value, const char* what) {
    if (::ioctl(fd, request, value) < 0) {
      const int err = errno;
      throw BusError(err, std::string("set ") + what + " of " + path_,
                     err == ENOTTY || err == ENOSYS ? "it is not a spidev device node" : "the controller refuses it");
    }
  };
  set(SPI_IOC_WR_MODE, &mode, "the mode");
  set(SPI_IOC_WR_MAX_SPEED_HZ, &speed, "the clock rate");
  set(SPI_IOC_WR_BITS_PER_WORD, &bits, "the word size");
  settings_ = s;
}

void SpiDev::transfer(std::span<const std::uint8_t> tx, std::span<std::uint8_t> rx, TimeSpan timeout) {
  const std::string what = "transfer " + std::to_string(tx.size()) + " bytes on " + path_;
  if (tx.empty() || (!rx.empty() && rx.size() != tx.size()))
    throw BusError(EINVAL, what, "rx is empty or as long as tx, which is not empty");
  const TimePoint deadline = deadline_in(resolve(timeout));
  State& st = *state_;
  if (!st.lock.acquire(remaining(deadline))) throw TimeoutError(what, "waiting for the bus");
  bool held = true;
  struct Release {
    Lock& lock;
    bool& held;
    ~Release() {
      if (held) lock.release();
    }
  } release{st.lock, held};
  // The buffers travel with the call: a pooled call abandoned by a timeout outlives this frame.
  struct Job {
    std::vector<std::uint8_t> tx, rx;
    SpiSettings s;
  };
  auto job = std::make_shared<Job>(Job{{tx.begin(), tx.end()}, std::vector<std::uint8_t>(tx.size()), settings_});
  const auto call = [job](int fd) {
    spi_ioc_transfer t{};
    t.tx_buf = reinterpret_cast<std::uintptr_t>(job->tx.data());
    t.rx_buf = reinterpret_cast<std::uintptr_t>(job->rx.data());
    t.len = static_cast<std::uint32_t>(job->tx.size());
    t.speed_hz = job->s.speed_hz;
    t.bits_per_word = job->s.bits_per_word;
    return ::ioctl(fd, SPI_IOC_MESSAGE(1), &t) < 0 ? -errno : 0;
  };
  int r;
  if (options_.policy.runs_inline(wire_time(tx.size() * 8ULL, settings_.speed_hz))) {
    ++inline_count_;
    pinfiber::detail::cooperate();
    r = call(st.fd.get());
  } else {
    ++pooled_count_;
    held = false;  // the helper releases the bus when the call has ended
    std::shared_ptr<State> keep = state_;
    const auto result = detail::run_pooled([keep, call] { return call(keep->fd.get()); }, remaining(deadline),
                                           [keep] { keep->lock.release(); });
    if (!result) throw TimeoutError(what, "(the transfer in the kernel completes in the background)");
    r = *result;
  }
  if (r < 0) throw BusError(-r, what);
  if (!rx.empty()) std::memcpy(rx.data(), job->rx.data(), rx.size());
}

}  // namespace pinfiber::bus
