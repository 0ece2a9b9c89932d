// Edge-to-greenlet latency on the real kernel path: a gpio-sim line, its uAPI event fd, the libgpiod
// backend; against a plain poll() loop on the same kind of request in the same run. The kernel-side
// twin of bench_gpio_latency (which measures the mock's fd path). Runs inside scripts/kernel-vm:
//
//   scripts/kernel-vm --chip label=pinctrl-bcm2835,lines=54 -- build/bench/bench/bench_gpio_latency_kernel
//
// Each round: t0, write "pull-up" to the line's sim_gpioN/pull (the kernel raises the simulated
// interrupt, its handler stamps and queues the event), then either the hub wakes a greenlet parked in
// InputLine::wait_edge (pinfiber) or poll(2) returns and the events are read (plain); t1 on arrival.
// Two figures per side: write -> arrival (the whole software path, the sysfs write and the interrupt
// included) and kernel timestamp -> arrival (edge -> greenlet proper). Besides wait_edge, the handler
// path (the hub reads the event, the line's handler greenlet runs on_rising) and the Button path
// (when_pressed; write -> arrival only, as the callback gets no event). One thread, one guest CPU, no
// KVM: TCG's timing, good for comparing the two sides, not for absolute numbers.
//
//   bench_gpio_latency_kernel [rounds] [chip-label]   (default 4000, "pinctrl-bcm2835"; line 22)

#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "pinfiber/pinfiber.hpp"

namespace gpio = pinfiber::gpio;

namespace {

constexpr unsigned kLine = 22;

std::int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);  // the clock the kernel stamps events with
  return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The line's pull file on the gpio-sim chip that is /dev/`chip_name`, kept open: one write per edge.
class SimPull {
 public:
  SimPull(const std::string& chip_name, unsigned line) {
    const std::string pattern = "/sys/devices/platform/gpio-sim.*/" + chip_name;
    glob_t g{};
    std::string dir;
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc == 1) dir = g.gl_pathv[0];
    ::globfree(&g);
    if (dir.empty()) throw std::runtime_error(chip_name + " is not a gpio-sim chip: run in scripts/kernel-vm");
    fd_ = ::open((dir + "/sim_gpio" + std::to_string(line) + "/pull").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("cannot open the pull file of line " + std::to_string(line));
  }
  ~SimPull() { ::close(fd_); }
  void set(bool up) {
    const char* s = up ? "pull-up" : "pull-down";
    if (::pwrite(fd_, s, std::char_traits<char>::length(s), 0) < 0) throw std::runtime_error("pull write failed");
  }

 private:
  int fd_ = -1;
};

struct Samples {
  std::vector<double> from_write, from_stamp;
};

struct Stats {
  double p50, p99;
};

Stats percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[v.size() * 99 / 100]};
}

Samples run_pinfiber(gpio::Chip& chip, SimPull& pull, int rounds) {
  auto line = chip.request_input(kLine, {.edge = gpio::Edge::rising, .bias = gpio::Bias::pull_down});
  Samples s;
  std::int64_t t0 = 0;
  pinfiber::Event got;
  auto waiter = pinfiber::spawn([&] {
    for (int i = 0; i < rounds; ++i) {
      auto ev = line.wait_edge(gpio::Edge::rising);
      const std::int64_t t1 = now_ns();
      s.from_write.push_back(double(t1 - t0));
      s.from_stamp.push_back(double(t1 - ev->timestamp_ns));
      got.set();
    }
  });
  for (int i = 0; i < rounds; ++i) {
    t0 = now_ns();
    pull.set(true);
    got.wait();
    got.clear();
    pull.set(false);
  }
  waiter.join();
  return s;
}

// The handler path: the hub reads the event and the line's handler greenlet runs on_rising.
Samples run_handler(gpio::Chip& chip, SimPull& pull, int rounds) {
  auto line = chip.request_input(kLine, {.edge = gpio::Edge::rising, .bias = gpio::Bias::pull_down});
  Samples s;
  std::int64_t t0 = 0;
  pinfiber::Event got;
  line.on_rising([&](const gpio::EdgeEvent& ev) {
    const std::int64_t t1 = now_ns();
    s.from_write.push_back(double(t1 - t0));
    s.from_stamp.push_back(double(t1 - ev.timestamp_ns));
    got.set();
  });
  for (int i = 0; i < rounds; ++i) {
    t0 = now_ns();
    pull.set(true);
    got.wait();
    got.clear();
    pull.set(false);
  }
  line.release();
  return s;
}

// The Button path: a press reaches when_pressed (pull-down wiring: pressed = high).
Samples run_button(gpio::Chip& chip, SimPull& pull, int rounds) {
  Samples s;
  std::int64_t t0 = 0;
  pinfiber::Event got;
  gpio::Button button(chip, kLine, {.pull_up = false});
  button.when_pressed([&] {
    const std::int64_t t1 = now_ns();
    s.from_write.push_back(double(t1 - t0));
    got.set();
  });
  for (int i = 0; i < rounds; ++i) {
    t0 = now_ns();
    pull.set(true);
    got.wait();
    got.clear();
    pull.set(false);
    button.wait_for_release();
  }
  return s;
}

Samples run_plain(gpio::Backend& backend, const std::string& chip_name, SimPull& pull, int rounds) {
  auto chip = backend.open(chip_name);
  gpio::LineConfig config;
  config.edge = gpio::Edge::rising;
  config.bias = gpio::Bias::pull_down;
  auto req = chip->request(kLine, config);
  std::array<gpio::EdgeEvent, 16> buf;
  Samples s;
  for (int i = 0; i < rounds; ++i) {
    const std::int64_t t0 = now_ns();
    pull.set(true);
    pollfd p{req->event_fd(), POLLIN, 0};
    ::poll(&p, 1, -1);
    bool lost = false;
    if (req->read_events(buf, lost) == 0) throw std::runtime_error("poll() said readable, but no event");
    const std::int64_t t1 = now_ns();
    s.from_write.push_back(double(t1 - t0));
    s.from_stamp.push_back(double(t1 - buf[0].timestamp_ns));
    pull.set(false);
  }
  return s;
}

void append(Samples& to, const Samples& from) {
  to.from_write.insert(to.from_write.end(), from.from_write.begin(), from.from_write.end());
  to.from_stamp.insert(to.from_stamp.end(), from.from_stamp.begin(), from.from_stamp.end());
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 4000;
  const std::string label = argc > 2 ? argv[2] : "pinctrl-bcm2835";
  gpio::GpiodBackend backend;
  gpio::Chip chip(label, backend);
  SimPull pull(chip.name(), kLine);
  run_pinfiber(chip, pull, 200);  // warm up: stacks, the hub, caches
  run_handler(chip, pull, 200);
  run_button(chip, pull, 200);
  run_plain(backend, chip.name(), pull, 200);
  // Interleaved halves, so a change in the machine's load hits every side alike.
  Samples pf, handler, button, plain;
  for (int half = 0; half < 2; ++half) {
    append(pf, run_pinfiber(chip, pull, rounds / 2));
    append(handler, run_handler(chip, pull, rounds / 2));
    append(button, run_button(chip, pull, rounds / 2));
    append(plain, run_plain(backend, chip.name(), pull, rounds / 2));
  }
  std::printf("%s '%s', line %u, libgpiod %s, %d edges per path\n", chip.name().c_str(), label.c_str(), kLine,
              gpio::GpiodBackend::library_version().c_str(), rounds);
  const Stats b = percentiles(plain.from_stamp), d = percentiles(plain.from_write);
  std::printf("kernel stamp -> plain poll() loop:          p50 %.0f ns, p99 %.0f ns\n", b.p50, b.p99);
  const auto stamp_row = [&](const char* what, const Samples& v) {
    const Stats a = percentiles(v.from_stamp);
    std::printf("kernel stamp -> %-26s p50 %.0f ns, p99 %.0f ns; / plain: p50 %.2fx, p99 %.2fx\n", what, a.p50, a.p99,
                a.p50 / b.p50, a.p99 / b.p99);
  };
  stamp_row("greenlet in wait_edge:", pf);
  stamp_row("on_rising handler:", handler);
  std::printf("sysfs write -> plain poll() loop:           p50 %.0f ns, p99 %.0f ns\n", d.p50, d.p99);
  const auto write_row = [&](const char* what, const Samples& v) {
    const Stats c = percentiles(v.from_write);
    std::printf("sysfs write -> %-27s p50 %.0f ns, p99 %.0f ns; / plain: p50 %.2fx, p99 %.2fx\n", what, c.p50, c.p99,
                c.p50 / d.p50, c.p99 / d.p99);
  };
  write_row("greenlet in wait_edge:", pf);
  write_row("on_rising handler:", handler);
  write_row("Button::when_pressed:", button);
  return pinfiber::hub().greenlet_count() == 0 ? 0 : 1;
}
