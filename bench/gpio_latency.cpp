// Edge-to-greenlet latency through the mock backend's fd path, against a plain poll() loop on the
// same kind of fd in the same run.
//
// pinfiber: a greenlet waits in InputLine::wait_edge(rising); the driver takes t0, drives the mock
// pin high (the mock writes the request's eventfd) and parks on an Event; the hub polls epoll, wakes
// the waiter, which reads the events in bulk and takes t1. Plain: the same mock pin and request
// (straight from the backend, no hub): t0, drive high, poll(2), read the events, t1.
// Both on one thread, so the figures are the software path only (no thread wake-up).
// Two more pinfiber paths against the same plain loop: an InputLine::on_rising handler (t1 taken in
// the handler) and a Button's when_pressed callback (t1 in the callback).
//
//   bench_gpio_latency [rounds]      (default 20000; prints p50/p99 for each, and the ratios)

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

// The handler path: the edge reaches a greenlet running the line's handler.
std::vector<double> run_handler(gpio::MockBackend& mock, int rounds) {
  gpio::Chip chip("gpiochip0", mock);
  gpio::MockPin& pin = mock.chip(0).pin(22);
  auto line = chip.request_input(22, {.edge = gpio::Edge::rising});
  std::vector<double> lat;
  lat.reserve(rounds);
  steady::time_point t0;
  pinfiber::Event got;
  line.on_rising([&](const gpio::EdgeEvent&) {
    lat.push_back(ns_since(t0));
    got.set();
  });
  for (int i = 0; i < rounds; ++i) {
    t0 = steady::now();
    pin.drive_high();
    got.wait();
    got.clear();
    pin.drive_low();
  }
  line.release();
  return lat;
}

// The Button path: a press reaches the greenlet running when_pressed.
std::vector<double> run_button(gpio::MockBackend& mock, int rounds) {
  gpio::Chip chip("gpiochip0", mock);
  gpio::MockPin& pin = mock.chip(0).pin(22);
  std::vector<double> lat;
  lat.reserve(rounds);
  steady::time_point t0;
  pinfiber::Event got;
  {
    gpio::Button button(chip, 22, {.pull_up = false});
    button.when_pressed([&] {
      lat.push_back(ns_since(t0));
      got.set();
    });
    for (int i = 0; i < rounds; ++i) {
      t0 = steady::now();
      pin.drive_high();
      got.wait();
      got.clear();
      pin.drive_low();
      button.wait_for_release();
    }
  }
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
  run_handler(mock, 1000);
  run_button(mock, 1000);
  run_plain(mock, 1000);
  // Interleaved halves, so a change in the machine's load hits every side alike.
  std::vector<double> pf, handler, button, plain;
  const auto append = [](std::vector<double>& to, const std::vector<double>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  for (int half = 0; half < 2; ++half) {
    append(pf, run_pinfiber(mock, rounds / 2));
    append(handler, run_handler(mock, rounds / 2));
    append(button, run_button(mock, rounds / 2));
    append(plain, run_plain(mock, rounds / 2));
  }
  const Stats q = percentiles(plain);
  std::printf("edge -> plain poll() loop:                p50 %.0f ns, p99 %.0f ns\n", q.p50, q.p99);
  const auto row = [&](const char* what, const std::vector<double>& v) {
    const Stats s = percentiles(v);
    std::printf("edge -> %-33s p50 %.0f ns, p99 %.0f ns; / plain: p50 %.2fx, p99 %.2fx (goal p99 <= 2x)\n", what, s.p50,
                s.p99, s.p50 / q.p50, s.p99 / q.p99);
  };
  row("greenlet in wait_edge:", pf);
  row("InputLine::on_rising handler:", handler);
  row("Button::when_pressed:", button);
  return pinfiber::hub().greenlet_count() == 0 ? 0 : 1;
}
