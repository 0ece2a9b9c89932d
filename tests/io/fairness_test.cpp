// A peer that keeps a socket always ready cannot starve the rest of the hub: after 128 operations
// that completed without waiting (the cooperative budget, lib/src/core/scheduler.cpp), a greenlet
// yields through the hub, which polls I/O and fires timers before it runs again. So another
// connection, a timer or a GPIO edge waits at most 128 of the flooder's operations - whatever its
// data rate. Counted in operations, not time: the bound holds on any machine.

#include <sys/socket.h>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

namespace {

constexpr int kBudget = 128;  // the hub's cooperative budget

// A socket pair whose reading end has `bytes` waiting: read a byte at a time, it is always ready.
struct Flood {
  pinfiber::Socket reader;
  pinfiber::Socket writer;
  explicit Flood(std::size_t bytes) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw std::runtime_error("socketpair");
    reader = pinfiber::Socket::adopt(sv[0]);
    writer = pinfiber::Socket::adopt(sv[1]);
    const std::string data(bytes, 'f');
    writer.send_all(data);
  }
};

}  // namespace

class FairnessTest : public IoTest {};

TEST_F(FairnessTest, AFloodingConnectionDelaysAnotherOnesDataByAtMostOneBudget) {
  Flood flood(100'000);
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  auto quiet_reader = pinfiber::Socket::adopt(sv[0]);
  auto quiet_writer = pinfiber::Socket::adopt(sv[1]);

  long reads = 0;
  auto flooder = pinfiber::spawn([&] {
    char c;
    for (int i = 0; i < 50'000; ++i) reads += static_cast<long>(flood.reader.recv(&c, 1));
  });
  long reads_when_sent = -1;
  long reads_when_received = -1;
  auto quiet = pinfiber::spawn([&] {
    char c;
    quiet_reader.recv(&c, 1);
    reads_when_received = reads;
  });
  pinfiber::sleep(0);  // both start: the flooder reads, the quiet one waits
  quiet_writer.send_all("x");
  reads_when_sent = reads;
  pinfiber::joinall({flooder, quiet});
  EXPECT_EQ(reads, 50'000);
  EXPECT_GE(reads_when_received, reads_when_sent);
  EXPECT_LE(reads_when_received - reads_when_sent, kBudget)
      << "the quiet connection's byte waited " << reads_when_received - reads_when_sent << " flooder reads";
}

TEST_F(FairnessTest, AFloodingConnectionDelaysADueTimerByAtMostOneBudget) {
  // The real clock: a paused one cannot move while a greenlet is always ready.
  use_real_clock();
  Flood flood(100'000);
  long reads = 0;
  auto flooder = pinfiber::spawn([&] {
    char c;
    for (int i = 0; i < 50'000; ++i) reads += static_cast<long>(flood.reader.recv(&c, 1));
  });
  long reads_when_armed = -1;
  long reads_when_fired = -1;
  auto sleeper = pinfiber::spawn([&] {
    reads_when_armed = reads;
    pinfiber::sleep(1ns);  // due at once: it fires at the hub's next poll after it
    reads_when_fired = reads;
  });
  pinfiber::joinall({flooder, sleeper});
  EXPECT_LE(reads_when_fired - reads_when_armed, kBudget)
      << "the due timer waited " << reads_when_fired - reads_when_armed << " flooder reads";
}

// Greenlets that keep yielding to each other never reach an empty run queue, so the hub polls for
// them: after 256 direct switches once 50 us have passed since its last such poll. A byte that
// arrives meanwhile reaches its reader, and a due timer fires, while the two go on yielding; counted
// in yields with a generous bound (the 50 us are real time), the point being that they are bounded.
TEST_F(FairnessTest, GreenletsThatKeepYieldingLetAReadyFdAndADueTimerThrough) {
  use_real_clock();
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pinfiber::Socket reader = pinfiber::Socket::adopt(sv[0]);
  pinfiber::Socket writer = pinfiber::Socket::adopt(sv[1]);
  bool got_byte = false;
  bool timer_fired = false;
  long yields = 0;
  auto read_one = pinfiber::spawn([&] {
    char c;
    got_byte = reader.recv(&c, 1) == 1;
  });
  auto sleeper = pinfiber::spawn([&] {
    pinfiber::sleep(1ms);
    timer_fired = true;
  });
  auto yielder = [&] {
    while (!(got_byte && timer_fired) && yields < 100'000'000) {
      ++yields;
      pinfiber::yield();
    }
  };
  auto a = pinfiber::spawn(yielder);
  auto b = pinfiber::spawn(yielder);
  pinfiber::yield();  // the reader waits on its socket now, the sleeper on its timer
  writer.send_all("x");
  pinfiber::joinall({a, b, read_one, sleeper});
  EXPECT_TRUE(got_byte);
  EXPECT_TRUE(timer_fired);
  EXPECT_LT(yields, 100'000'000) << "the yielders ran to their bound before the hub polled";
}
