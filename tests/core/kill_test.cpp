// kill(): GreenletExit at the blocking point, destructors run, never-started greenlets never run.

#include <stdexcept>
#include <string>
#include <vector>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class Kill : public HubTest {};

namespace {
struct Flag {
  bool* destroyed;
  ~Flag() { *destroyed = true; }
};
}  // namespace

TEST_F(Kill, BeforeStartNeverRuns) {
  bool ran = false;
  auto g = spawn([&] { ran = true; });
  g.kill();
  EXPECT_TRUE(g.ready());
  // A kill is not a failure (gevent): the greenlet is successful, killed, with no exception.
  EXPECT_TRUE(g.successful());
  EXPECT_TRUE(g.killed());
  EXPECT_EQ(g.exception(), nullptr);
  EXPECT_FALSE(g.has_run());
  pinfiber::sleep(0);
  EXPECT_FALSE(ran);
  g.get();  // reading a killed Greenlet<void> returns; it never kills the reader
}

TEST_F(Kill, DuringSleepRunsDestructors) {
  bool destroyed = false;
  bool after_sleep = false;
  auto g = spawn([&] {
    Flag f{&destroyed};
    pinfiber::sleep(1h);
    after_sleep = true;
  });
  pinfiber::sleep(1s);
  EXPECT_FALSE(destroyed);
  g.kill();
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(after_sleep);
  EXPECT_TRUE(g.ready());
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(Kill, GreenletExitIsNotSwallowedByStdException) {
  bool caught_generic = false;
  auto g = spawn([&] {
    try {
      pinfiber::sleep(1h);
    } catch (const std::exception&) {
      caught_generic = true;
    }
  });
  pinfiber::sleep(0);
  g.kill();
  EXPECT_FALSE(caught_generic);
  EXPECT_TRUE(g.ready());
}

TEST_F(Kill, KilledGreenletIsNotReportedAsFailure) {
  std::vector<std::string> reports;
  pinfiber::hub().set_exception_handler([&](const std::string& n, std::exception_ptr) { reports.push_back(n); });
  auto g = spawn([] { pinfiber::sleep(1h); });
  pinfiber::sleep(0);
  g.kill();
  EXPECT_TRUE(reports.empty());
}

TEST_F(Kill, NonBlockingKillThenJoin) {
  std::string out;
  auto g = spawn([&] {
    try {
      pinfiber::sleep(1h);
    } catch (const pinfiber::GreenletExit&) {
      out += "exit;";
      throw;
    }
  });
  pinfiber::sleep(0);
  g.kill(false);
  EXPECT_FALSE(g.ready());  // delivered, but it runs only when main blocks
  g.join();
  EXPECT_EQ(out, "exit;");
}

TEST_F(Kill, WithCustomException) {
  auto g = spawn([] { pinfiber::sleep(1h); });
  pinfiber::sleep(0);
  g.kill(std::make_exception_ptr(std::runtime_error("stop now")));
  EXPECT_THROW(g.get(), std::runtime_error);
}

TEST_F(Kill, GreenletThatCatchesExitCanCleanUpCooperatively) {
  std::string out;
  auto g = spawn([&] {
    try {
      pinfiber::sleep(1h);
    } catch (const pinfiber::GreenletExit&) {
      pinfiber::sleep(2s);  // cleanup that itself blocks
      out = "cleaned";
    }
  });
  pinfiber::sleep(0);
  g.kill();
  EXPECT_EQ(out, "cleaned");
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_TRUE(g.successful());  // it returned normally after catching
}

TEST_F(Kill, KillWithTimeoutGivesUp) {
  auto g = spawn([&] {
    try {
      pinfiber::sleep(1h);
    } catch (const pinfiber::GreenletExit&) {
      pinfiber::sleep(10s);
    }
  });
  pinfiber::sleep(0);
  g.kill(true, 1s);
  EXPECT_FALSE(g.ready());
  EXPECT_EQ(elapsed(), 1s);
  g.join();
}

TEST_F(Kill, KillallStopsEveryOne) {
  int destroyed = 0;
  struct Count {
    int* n;
    ~Count() { ++*n; }
  };
  std::vector<pinfiber::Greenlet<void>> gs;
  for (int i = 0; i < 5; ++i) {
    gs.push_back(spawn([&] {
      Count c{&destroyed};
      pinfiber::sleep(1h);
    }));
  }
  pinfiber::sleep(0);
  pinfiber::killall(gs);
  EXPECT_EQ(destroyed, 5);
  for (auto& g : gs) EXPECT_TRUE(g.ready());
}

TEST_F(Kill, KillingSelfWithoutBlockingArrivesAtItsNextBlockingCall) {
  bool after_kill = false;
  bool after_sleep = false;
  auto g = spawn([&] {
    pinfiber::getcurrent().kill(false);  // queued, as any kill
    after_kill = true;
    pinfiber::sleep(1s);
    after_sleep = true;
  });
  g.join();
  EXPECT_TRUE(after_kill);
  EXPECT_FALSE(after_sleep);
  EXPECT_TRUE(g.killed());
  EXPECT_EQ(elapsed(), 0s);
}

TEST_F(Kill, KillingSelfAndWaitingThrowsThere) {
  bool after = false;
  auto g = spawn([&] {
    pinfiber::getcurrent().kill();
    after = true;
  });
  g.join();
  EXPECT_FALSE(after);
  EXPECT_TRUE(g.killed());
}

TEST_F(Kill, KillingAFinishedGreenletDoesNothing) {
  auto g = spawn([] { return 5; });
  g.join();
  g.kill();
  EXPECT_EQ(g.get(), 5);
}

// Rule 2 of issue 11: reading a killed greenlet's result never kills the reader.
TEST_F(Kill, ResultOfAKilledGreenletThrowsGreenletKilledAndTheReaderGoesOn) {
  auto victim = spawn([] {
    pinfiber::sleep(1h);
    return 1;
  });
  bool reader_went_on = false;
  auto reader = spawn([&] {
    EXPECT_THROW(victim.get(), pinfiber::GreenletKilled);
    reader_went_on = true;
  });
  pinfiber::sleep(0);
  victim.kill();
  reader.join();
  EXPECT_TRUE(reader_went_on);
  EXPECT_TRUE(reader.successful());
  EXPECT_TRUE(victim.successful());
  // From main as well, and as a pinfiber::Error naming what was asked of which greenlet.
  try {
    victim.value();
    ADD_FAILURE() << "value() of a killed greenlet returned";
  } catch (const pinfiber::Error& e) {
    EXPECT_NE(std::string(e.what()).find("it was killed"), std::string::npos) << e.what();
  }
}

// gevent's kill(block=True): the killer resumes once the victim ran to its end, before its links.
TEST_F(Kill, BlockingKillReturnsBeforeTheVictimsLinks) {
  std::vector<std::string> order;
  auto victim = spawn([] { pinfiber::sleep(1h); });
  victim.link([&](const pinfiber::GreenletBase&) { order.push_back("link"); });
  victim.rawlink([&](const pinfiber::GreenletBase&) { order.push_back("rawlink"); });
  pinfiber::sleep(0);
  victim.kill();
  order.push_back("kill returned");
  pinfiber::sleep(0);
  EXPECT_EQ(order, (std::vector<std::string>{"kill returned", "link", "rawlink"}));
}

TEST_F(Kill, KillallWithAnExceptionMakesEachAFailure) {
  expect_failures();
  std::vector<pinfiber::Greenlet<void>> gs;
  for (int i = 0; i < 3; ++i) gs.push_back(spawn([] { pinfiber::sleep(1h); }));
  pinfiber::sleep(0);
  auto unstarted = spawn([] {});
  gs.push_back(unstarted);
  std::vector<pinfiber::GreenletBase> all(gs.begin(), gs.end());
  pinfiber::killall(all, std::make_exception_ptr(std::runtime_error("stop")));
  for (auto& g : gs) {
    EXPECT_TRUE(g.dead());
    EXPECT_FALSE(g.successful());
    EXPECT_FALSE(g.killed());
    EXPECT_THROW(g.get(), std::runtime_error);
  }
  EXPECT_FALSE(unstarted.has_run());
  pinfiber::sleep(0);
  EXPECT_EQ(failures(), 4);
}
