// fd waits: wake on readiness, timeouts, close from another greenlet, one waiter per direction.

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <system_error>
#include <vector>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

namespace {

struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    r = fds[0];
    w = fds[1];
  }
  ~Pipe() {
    pinfiber::close(r);
    pinfiber::close(w);
  }
  void write(const char* s) const { ASSERT_GT(::write(w, s, std::char_traits<char>::length(s)), 0); }
};

struct SocketPair {
  int a = -1, b = -1;
  SocketPair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
      throw std::system_error(errno, std::generic_category(), "socketpair");
    }
    a = fds[0];
    b = fds[1];
  }
  ~SocketPair() {
    pinfiber::close(a);
    pinfiber::close(b);
  }
};

}  // namespace

class WaitTest : public IoTest {};

TEST_F(WaitTest, ReaderWakesWhenAnotherGreenletWrites) {
  Pipe p;
  std::vector<std::string> log;
  auto reader = spawn([&] {
    log.push_back("wait");
    EXPECT_TRUE(pinfiber::wait_readable(p.r));
    char buf[16];
    const auto n = ::read(p.r, buf, sizeof buf);
    log.push_back("read " + std::string(buf, static_cast<std::size_t>(n)));
  });
  auto writer = spawn([&] {
    pinfiber::sleep(1s);
    log.push_back("write");
    p.write("hi");
  });
  pinfiber::joinall({reader, writer});
  EXPECT_EQ(log, (std::vector<std::string>{"wait", "write", "read hi"}));
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(WaitTest, TimeoutReturnsFalseAfterExactlyTheTimeout) {
  Pipe p;
  EXPECT_FALSE(pinfiber::wait_readable(p.r, 2s));
  EXPECT_EQ(elapsed(), 2s);
  // The slot is free again: a second wait on the same fd is not FdBusy.
  EXPECT_FALSE(pinfiber::wait_readable(p.r, 1s));
}

TEST_F(WaitTest, ReadyDataReturnsAtOnce) {
  Pipe p;
  p.write("x");
  EXPECT_TRUE(pinfiber::wait_readable(p.r, 5s));
  EXPECT_TRUE(pinfiber::wait_readable(p.r));  // level-triggered: still unread
  EXPECT_TRUE(pinfiber::wait_writable(p.w, 5s));
  EXPECT_EQ(elapsed(), 0s);
}

TEST_F(WaitTest, ZeroTimeoutChecksWithoutBlocking) {
  Pipe p;
  EXPECT_FALSE(pinfiber::wait_readable(p.r, 0s));
  p.write("x");
  EXPECT_TRUE(pinfiber::wait_readable(p.r, 0s));
  EXPECT_EQ(elapsed(), 0s);
}

TEST_F(WaitTest, ClosingTheFdWakesTheWaiterWithEbadf) {
  auto* p = new Pipe;
  const int fd = p->r;
  auto reader = spawn([&] {
    try {
      (void)pinfiber::wait_readable(fd);
      ADD_FAILURE() << "wait returned";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code().value(), EBADF);
      const std::string msg = e.what();
      EXPECT_NE(msg.find("fd " + std::to_string(fd)), std::string::npos) << msg;
      EXPECT_NE(msg.find("closed by another greenlet"), std::string::npos) << msg;
      return 1;
    }
    return 0;
  });
  pinfiber::sleep(0);
  delete p;  // pinfiber::close on both ends
  EXPECT_EQ(reader.get(), 1);
}

TEST_F(WaitTest, CancelWaitWakesBothDirectionsAndCountsThem) {
  SocketPair s;
  // Fill a's send buffer so a writer blocks.
  std::vector<char> junk(1 << 16, 'x');
  while (::send(s.a, junk.data(), junk.size(), MSG_DONTWAIT) > 0) {
  }
  int failures = 0;
  auto body = [&](bool read) {
    try {
      if (read) {
        (void)pinfiber::wait_readable(s.a);
      } else {
        (void)pinfiber::wait_writable(s.a);
      }
    } catch (const std::system_error&) {
      ++failures;
    }
  };
  auto r = spawn(body, true);
  auto w = spawn(body, false);
  pinfiber::sleep(0);
  EXPECT_EQ(pinfiber::cancel_wait(s.a), 2);
  pinfiber::joinall({r, w});
  EXPECT_EQ(failures, 2);
}

TEST_F(WaitTest, SecondReaderOfOneFdIsFdBusyNamingTheFirst) {
  Pipe p;
  auto first = pinfiber::spawn_with({.name = "first-reader"}, [&] { return pinfiber::wait_readable(p.r, 10s); });
  pinfiber::sleep(0);
  try {
    (void)pinfiber::wait_readable(p.r, 1s);
    FAIL() << "second wait accepted";
  } catch (const pinfiber::FdBusy& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("fd " + std::to_string(p.r)), std::string::npos) << msg;
    EXPECT_NE(msg.find("'first-reader'"), std::string::npos) << msg;
  }
  EXPECT_FALSE(first.get());
}

TEST_F(WaitTest, AReaderAndAWriterMayShareAnFd) {
  SocketPair s;
  auto reader = spawn([&] { return pinfiber::wait_readable(s.a, 5s); });
  auto writer = spawn([&] { return pinfiber::wait_writable(s.a, 5s); });
  auto feeder = spawn([&] {
    pinfiber::sleep(1s);
    ASSERT_EQ(::send(s.b, "x", 1, 0), 1);
  });
  EXPECT_TRUE(writer.get());
  EXPECT_TRUE(reader.get());
  feeder.join();
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(WaitTest, KilledWaiterReleasesTheFd) {
  Pipe p;
  auto waiter = spawn([&] { (void)pinfiber::wait_readable(p.r); });
  pinfiber::sleep(0);
  waiter.kill();
  EXPECT_TRUE(waiter.ready());
  p.write("x");
  EXPECT_TRUE(pinfiber::wait_readable(p.r, 1s));
}

TEST_F(WaitTest, ScopedTimeoutInterruptsTheWait) {
  Pipe p;
  try {
    pinfiber::Timeout t(3s);
    (void)pinfiber::wait_readable(p.r);
    FAIL() << "wait returned";
  } catch (const pinfiber::Timeout&) {
  }
  EXPECT_EQ(elapsed(), 3s);
  EXPECT_FALSE(pinfiber::wait_readable(p.r, 0s));
}

TEST_F(WaitTest, FinishedWaitsLeaveNoActiveWatcher) {
  {
    Pipe p;
    p.write("x");
    EXPECT_TRUE(pinfiber::wait_readable(p.r));
    EXPECT_FALSE(pinfiber::wait_readable(p.w, 1s));  // a pipe's write end never reads
  }
  // Nothing can wake this greenlet now; a watcher left active would make join hang instead.
  auto stuck = spawn([] { pinfiber::detail::park_until({"nothing"}, pinfiber::TimePoint::max()); });
  EXPECT_THROW(stuck.join(), pinfiber::LoopExit);
  stuck.kill();
}

TEST_F(WaitTest, MainWaitingOnAnFdIsNotLoopExit) {
  Pipe p;
  auto writer = spawn([&] {
    pinfiber::yield();
    p.write("x");
  });
  EXPECT_TRUE(pinfiber::wait_readable(p.r));
  writer.join();
}

TEST_F(WaitTest, AReusedFdNumberIsWatchedAfresh) {
  int number = -1;
  {
    SocketPair s;
    number = s.a;
    auto peer = spawn([&] { ASSERT_EQ(::send(s.b, "x", 1, 0), 1); });
    EXPECT_TRUE(pinfiber::wait_readable(s.a));
    peer.join();
  }
  SocketPair again;  // the kernel hands out the lowest free numbers: the same ones
  ASSERT_EQ(again.a, number);
  auto peer = spawn([&] {
    pinfiber::sleep(1s);
    ASSERT_EQ(::send(again.b, "y", 1, 0), 1);
  });
  EXPECT_TRUE(pinfiber::wait_readable(again.a, 5s));
  peer.join();
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(WaitTest, NegativeFdIsEbadf) {
  try {
    (void)pinfiber::wait_readable(-1, 1s);
    FAIL();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EBADF);
  }
}

TEST_F(WaitTest, PingPongOverASocketPairManyTimes) {
  SocketPair s;
  constexpr int kRounds = 20000;
  auto echo = spawn([&] {
    char c;
    for (int i = 0; i < kRounds; ++i) {
      while (::recv(s.b, &c, 1, 0) != 1) ASSERT_TRUE(pinfiber::wait_readable(s.b));
      ASSERT_EQ(::send(s.b, &c, 1, 0), 1);
    }
  });
  char c = 'p';
  for (int i = 0; i < kRounds; ++i) {
    ASSERT_EQ(::send(s.a, &c, 1, 0), 1);
    while (::recv(s.a, &c, 1, 0) != 1) ASSERT_TRUE(pinfiber::wait_readable(s.a));
  }
  echo.join();
}
