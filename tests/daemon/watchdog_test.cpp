// The watchdog against a notify socket the test binds, on the real clock (systemd measures real time):
// READY, the pets, STOPPING arrive in order; a greenlet that blocks the hub stops the petting (nothing
// at all is sent while it holds the hub) and the petting resumes once it lets go; WATCHDOG_PID of
// another process turns it off; a failing health check withholds pets; and a running watchdog does
// not keep a main that waits for nothing from getting LoopExit.

#include <unistd.h>

#include <chrono>
#include <thread>

#include "daemon/daemon_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber_test::DatagramListener;
using pinfiber_test::ScopedEnv;

namespace {
// Watchdog intervals are short so the test is, and the waits for a pet are long so a loaded machine
// (valgrind, qemu) cannot fail it: they bound the test, they assert nothing about time.
constexpr auto kInterval = 100ms;
constexpr auto kPatience = 10s;
}  // namespace

TEST_F(RealDaemonTest, ReadyPetsAndStoppingArriveInOrder) {
  DatagramListener manager("notify");
  ScopedEnv notify("NOTIFY_SOCKET", manager.path());
  ScopedEnv usec("WATCHDOG_USEC", "100000");
  ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()));
  EXPECT_EQ(pinfiber::watchdog_interval(), kInterval);
  {
    pinfiber::notify_ready("up");
    pinfiber::Watchdog watchdog;
    ASSERT_TRUE(watchdog.enabled());
    EXPECT_EQ(manager.next(kPatience), "READY=1\nSTATUS=up");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(manager.next(kPatience), "WATCHDOG=1");
    EXPECT_GE(watchdog.pets(), 3u);
  }
  pinfiber::notify_stopping();
  // Pets sent before the watchdog ended may still be queued; then STOPPING, and nothing after it.
  std::string got;
  while ((got = manager.next(kPatience)) == "WATCHDOG=1") {
  }
  EXPECT_EQ(got, "STOPPING=1");
  EXPECT_EQ(manager.queued(), "");
}

TEST_F(RealDaemonTest, AGreenletThatBlocksTheHubStopsThePetting) {
  DatagramListener manager("notify");
  ScopedEnv notify("NOTIFY_SOCKET", manager.path());
  pinfiber::Watchdog watchdog(kInterval);
  ASSERT_EQ(manager.next(kPatience), "WATCHDOG=1");
  std::uint64_t pets_before = 0, pets_after = 0;
  std::string sent_while_blocked = "(not run)";
  pinfiber::spawn_with({.name = "stuck"}, [&] {
    // Everything sent so far is consumed; the datagram sockets queue synchronously, so whatever is
    // queued after the block was sent during it.
    while (!manager.queued().empty()) {
    }
    pets_before = watchdog.pets();
    std::this_thread::sleep_for(5 * kInterval);  // holds the hub for 2.5 petting periods
    pets_after = watchdog.pets();
    sent_while_blocked = manager.queued();
  }).join();
  EXPECT_EQ(sent_while_blocked, "");
  EXPECT_EQ(pets_after, pets_before);
  // Let go, the hub pets again.
  EXPECT_EQ(manager.next(kPatience), "WATCHDOG=1");
  EXPECT_GT(watchdog.pets(), pets_after);
}

TEST_F(RealDaemonTest, AWatchdogMeantForAnotherProcessIsOff) {
  DatagramListener manager("notify");
  ScopedEnv notify("NOTIFY_SOCKET", manager.path());
  ScopedEnv usec("WATCHDOG_USEC", "100000");
  ScopedEnv pid("WATCHDOG_PID", "1");
  EXPECT_EQ(pinfiber::watchdog_interval(), pinfiber::Duration::zero());
  pinfiber::Watchdog watchdog;
  EXPECT_FALSE(watchdog.enabled());
  ScopedEnv garbage("WATCHDOG_USEC", "soon");
  ::unsetenv("WATCHDOG_PID");
  EXPECT_EQ(pinfiber::watchdog_interval(), pinfiber::Duration::zero());
}

TEST_F(RealDaemonTest, AFailingHealthCheckWithholdsPets) {
  DatagramListener manager("notify");
  ScopedEnv notify("NOTIFY_SOCKET", manager.path());
  auto quiet = std::make_shared<pinfiber::logging::StreamSink>(-1);  // the withheld pets' errors go nowhere
  pinfiber::logging::set_sink(quiet);
  bool healthy = false;
  int checks = 0;
  pinfiber::Watchdog watchdog(kInterval);
  watchdog.set_health_check([&] {
    ++checks;
    return healthy;
  });
  while (checks < 3) pinfiber::sleep(kInterval / 4);
  EXPECT_EQ(manager.queued(), "");
  EXPECT_EQ(watchdog.pets(), 0u);
  healthy = true;
  EXPECT_EQ(manager.next(kPatience), "WATCHDOG=1");
  pinfiber::logging::set_sink(nullptr);
}

TEST_F(RealDaemonTest, ARunningWatchdogDoesNotKeepAnIdleMainAlive) {
  DatagramListener manager("notify");
  ScopedEnv notify("NOTIFY_SOCKET", manager.path());
  pinfiber::Watchdog watchdog(kInterval);
  ASSERT_TRUE(watchdog.enabled());
  // Nothing can ever set it: main learns so, rather than sit there petting a watchdog forever.
  pinfiber::Event never;
  EXPECT_THROW(never.wait(), pinfiber::LoopExit);
}
