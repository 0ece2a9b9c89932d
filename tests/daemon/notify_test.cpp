// sd_notify over a socket the test binds in place of systemd's: what each call sends, the abstract
// namespace, silence outside systemd, a clear error for a socket nobody listens on, and a full queue
// that parks the caller until its timeout instead of blocking the hub.

#include <sys/socket.h>

#include "daemon/daemon_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber_test::DatagramListener;
using pinfiber_test::ScopedEnv;

TEST_F(DaemonTest, ReadyStatusAndStoppingArriveAsTheProtocolSays) {
  DatagramListener manager("notify");
  pinfiber::testing::FedFromOutside fed(manager.socket().fd());
  ScopedEnv env("NOTIFY_SOCKET", manager.path());
  EXPECT_TRUE(pinfiber::notify_enabled());
  EXPECT_TRUE(pinfiber::notify_ready("serving on :8080"));
  EXPECT_TRUE(pinfiber::notify_status("two\nlines"));
  EXPECT_TRUE(pinfiber::notify_stopping());
  EXPECT_TRUE(pinfiber::notify("RELOADING=1\nMONOTONIC_USEC=1"));
  EXPECT_EQ(manager.next(1s), "READY=1\nSTATUS=serving on :8080");
  EXPECT_EQ(manager.next(1s), "STATUS=two lines");  // one assignment per line: the newline may not split it
  EXPECT_EQ(manager.next(1s), "STOPPING=1");
  EXPECT_EQ(manager.next(1s), "RELOADING=1\nMONOTONIC_USEC=1");
}

TEST_F(DaemonTest, AnAbstractNotifySocketIsReachedToo) {
  const std::string name = "pinfiber-test-notify-" + std::to_string(::getpid());
  pinfiber::Socket manager(AF_UNIX, SOCK_DGRAM);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path + 1, name.data(), name.size());  // sun_path[0] = '\0': abstract
  ASSERT_EQ(::bind(manager.fd(), reinterpret_cast<sockaddr*>(&sa),
                   static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())),
            0);
  ScopedEnv env("NOTIFY_SOCKET", "@" + name);
  EXPECT_TRUE(pinfiber::notify_ready());
  char buf[64];
  const ssize_t n = ::recv(manager.fd(), buf, sizeof buf, MSG_DONTWAIT);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "READY=1");
}

TEST_F(DaemonTest, WithoutANotifySocketNothingIsSent) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(pinfiber::notify_enabled());
  EXPECT_FALSE(pinfiber::notify_ready("x"));
  EXPECT_FALSE(pinfiber::detail::notify_now("WATCHDOG=1"));
}

TEST_F(DaemonTest, ASocketNobodyListensOnIsAClearError) {
  ScopedEnv env("NOTIFY_SOCKET", "/nonexistent/notify");
  try {
    pinfiber::notify_ready();
    FAIL() << "no error";
  } catch (const pinfiber::Error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_EQ(std::string(e.what()), "connect to notify socket /nonexistent/notify: No such file or directory");
  }
  ScopedEnv relative("NOTIFY_SOCKET", "relative/path");
  EXPECT_THROW(pinfiber::notify_ready(), pinfiber::Error);
}

TEST_F(DaemonTest, AFullQueueParksTheCallerUntilItsTimeout) {
  DatagramListener manager("notify");
  ScopedEnv env("NOTIFY_SOCKET", manager.path());
  // Nobody reads: fill the manager's queue (sends that cannot wait say false once it is full).
  int sent = 0;
  while (pinfiber::detail::notify_now("STATUS=filling") && sent < 100000) ++sent;
  ASSERT_GT(sent, 0);
  ASSERT_LT(sent, 100000);
  bool other_ran = false;
  auto other = pinfiber::spawn([&] { other_ran = true; });
  EXPECT_THROW(pinfiber::notify_status("one more", 2s), pinfiber::TimeoutError);
  EXPECT_TRUE(other_ran);    // the hub ran on while the notification waited
  EXPECT_EQ(elapsed(), 2s);  // exactly its timeout, on the paused clock
  // Room again: the same call goes through.
  while (!manager.queued().empty()) {
  }
  EXPECT_TRUE(pinfiber::notify_status("room again", 2s));
  std::string last, got;
  while (!(got = manager.queued()).empty()) last = got;
  EXPECT_EQ(last, "STATUS=room again");
}
