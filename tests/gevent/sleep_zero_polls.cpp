// sleep(0) passes through the hub's loop: with nothing else ready it still polls I/O and runs due
// timers, so a loop that polls a flag with sleep(0) - or an event with wait(0) - sees what a timer or
// a ready fd sets. Each shape from main and from a greenlet. Prints what sleep_zero_polls.py prints.
//
// On the real clock, unlike the other pairs: the paused test clock jumps only when every greenlet is
// blocked, and a greenlet that polls with sleep(0) never is.

#include <fcntl.h>
#include <unistd.h>

#include <pinfiber/io/wait.hpp>
#include <string>
#include <vector>

#include "pair.hpp"

using pinfiber::spawn;
using pinfiber::spawn_later;

namespace {

void timer_flag() {
  bool fired = false;
  spawn_later(0.01, [&] { fired = true; });
  while (!fired) pinfiber::sleep(0);
  std::puts("  the timer's greenlet set the flag");
}

void timer_event() {
  pinfiber::Event ev;
  spawn_later(0.01, [&] { ev.set(); });
  while (!ev.wait(0)) {
  }
  std::puts("  wait(0) saw the event the timer's greenlet set");
}

void ready_fd() {
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK) != 0) throw std::runtime_error("pipe2");
  std::string got;
  spawn([&] {
    pinfiber::wait_readable(fds[0]);
    char buf[16];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    got.assign(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  });
  pinfiber::sleep(0);  // the reader is waiting for the pipe now
  if (::write(fds[1], "ping", 4) != 4) throw std::runtime_error("write");
  while (got.empty()) pinfiber::sleep(0);
  std::printf("  the reader got %s\n", got.c_str());
  pinfiber::close(fds[0]);
  ::close(fds[1]);
}

void looping_greenlet() {
  // A greenlet that keeps yielding and one a timer starts: the timer's runs while the other loops.
  std::vector<std::string> seen;
  auto g = spawn([&] {
    while (seen.empty()) pinfiber::sleep(0);
    std::printf("  looper saw %s\n", seen[0].c_str());
  });
  spawn_later(0.01, [&] { seen.push_back("the timer"); });
  g.join();
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::pair<const char*, void (*)()> parts[] = {{"timer flag", timer_flag},
                                                      {"timer event", timer_event},
                                                      {"ready fd", ready_fd},
                                                      {"looping greenlet", looping_greenlet}};
  for (auto [name, part] : parts) {
    std::printf("%s from main:\n", name);
    part();
    std::printf("%s from a greenlet:\n", name);
    spawn(part).join();
  }
  std::puts("done");
}
