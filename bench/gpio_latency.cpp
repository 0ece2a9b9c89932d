// Edge-to-greenlet latency through the mock backend's fd path, against a plain poll() loop on the
// same kind of fd in the same run.
//
// pinfiber: a greenlet waits in InputLine::wait_edge(rising); the driver takes t0, drives the mock
// pin high (the mock writes the request's eventfd) and parks on an Event; the hub polls epoll, wakes
// the waiter, which reads the events in bulk and takes t1. Plain: the same mock pin and request
// (straight from the backend, no hub): t0, drive high, poll(2), read the events, t1.
// Both on one thread, so the figures are the software path only (no thread wake-up).
//
//   bench_gpio_latency [rounds]      (default 20000; prints p50/p99 for both, and the ratio)

#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "pinfiber/pinfiber.hpp"

using namespace std::chrono_literals;
namespace gpio = pinfiber::gpio;
using steady = std::chrono::steady_clock;

namespace {

struct Stats {
  double p50, p99;
};

Stats percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[v.size() * 99 / 100]};
}

double ns_since(steady::time_point t0) { return std::chrono::duration<double, std::nano>(steady::now() - t0).count(); }

std::vector<double> run_pinfiber(gpio::MockBackend& mock, int rounds) {
  gpio::Chip chip("gpiochip0", mock);
  gpio::MockPin& pin = mock.chip(0).pin(22);
  auto line = chip.request_input(22, {.edge = gpio::Edge::rising});
  std::vector<double> lat;
  lat.reserve(rounds);
  steady::time_point t0;
  pinfiber::Event got;
  auto waiter = pinfiber::spawn([&] {
    for (int i = 0; i < rounds; ++i) {
      line.wait_edge(gpio::Edge::rising);
      lat.push_back(ns_since(t0));
      got.set();
    }
  });
  for (int i = 0; i < rounds; ++i) {
    t0 = steady::now();
    pin.drive_high();
    got.wait();
    got.clear();
    pin.drive_low();
  }
  waiter.join();
  return lat;
}

std::vector<double> run_plain(gpio::MockBackend& mock, int rounds) {
  auto chip = mock.open("gpiochip0");
  gpio::MockPin& pin = mock.chip(0).pin(22);
  gpio::LineConfig config;
  config.edge = gpio::Edge::rising;
  auto req = chip->request(22, config);
  std::array<gpio::EdgeEvent, 16> buf;
  std::vector<double> lat;
  lat.reserve(rounds);
  for (int i = 0; i < rounds; ++i) {
    const steady::time_point t0 = steady::now();
    pin.drive_high();
    pollfd p{req->event_fd(), POLLIN, 0};
    ::poll(&p, 1, -1);
    bool lost;
    req->read_events(buf, lost);
    lat.push_back(ns_since(t0));
    pin.drive_low();
  }
  return lat;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 20000;
  gpio::MockBackend mock(gpio::boards::raspberry_pi_zero_w());
  run_pinfiber(mock, 1000);  // warm up: stacks, the hub, caches
  run_plain(mock, 1000);
  // Interleaved halves, so a change in the machine's load hits both sides alike.
  std::vector<double> pf, plain;
  for (int half = 0; half < 2; ++half) {
    auto a = run_pinfiber(mock, rounds / 2);
    auto b = run_plain(mock, rounds / 2);
    pf.insert(pf.end(), a.begin(), a.end());
    plain.insert(plain.end(), b.begin(), b.end());
  }
  const Stats s = percentiles(pf), q = percentiles(plain);
  std::printf("edge -> greenlet (pinfiber wait_edge): p50 %.0f ns, p99 %.0f ns\n", s.p50, s.p99);
  std::printf("edge -> plain poll() loop:             p50 %.0f ns, p99 %.0f ns\n", q.p50, q.p99);
  std::printf("ratio pinfiber / plain:                p50 %.2fx, p99 %.2fx (goal p99 <= 2x)\n", s.p50 / q.p50,
              s.p99 / q.p99);
  return pinfiber::hub().greenlet_count() == 0 ? 0 : 1;
}
