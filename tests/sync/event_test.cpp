// Event and AsyncResult.

#include <string>
#include <vector>

#include "sync/sync_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class EventTest : public SyncTest {};

TEST_F(EventTest, SetWakesEveryWaiterInTheOrderTheyWaited) {
  pinfiber::Event ev;
  std::vector<int> order;
  std::vector<pinfiber::Greenlet<void>> gs;
  for (int i = 0; i < 5; ++i) {
    gs.push_back(spawn([&, i] {
      EXPECT_TRUE(ev.wait());
      order.push_back(i);
    }));
  }
  pinfiber::sleep(0);
  EXPECT_EQ(ev.waiter_count(), 5u);
  EXPECT_TRUE(order.empty());
  ev.set();
  EXPECT_TRUE(ev.is_set());
  pinfiber::joinall(gs);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(ev.waiter_count(), 0u);
}

TEST_F(EventTest, WaitOnASetEventReturnsAtOnceAndClearBlocksAgain) {
  pinfiber::Event ev;
  ev.set();
  EXPECT_TRUE(ev.wait());
  EXPECT_TRUE(ev.wait(0s));
  ev.clear();
  EXPECT_FALSE(ev.is_set());
  EXPECT_FALSE(ev.wait(0s));
}

TEST_F(EventTest, WaitTimesOutReturningFalse) {
  pinfiber::Event ev;
  EXPECT_FALSE(ev.wait(2s));
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_EQ(ev.waiter_count(), 0u);
}

TEST_F(EventTest, SetterAfterThreeSecondsOnThePausedClock) {
  pinfiber::Event ev;
  auto setter = spawn([&] {
    pinfiber::sleep(3s);
    ev.set();
  });
  EXPECT_TRUE(ev.wait());
  EXPECT_EQ(elapsed(), 3s);
  setter.join();
}

TEST_F(EventTest, WaiterWokenBySetReturnsTrueEvenIfClearedBeforeItRuns) {
  pinfiber::Event ev;
  bool result = false;
  auto w = spawn([&] { result = ev.wait(5s); });
  pinfiber::sleep(0);
  ev.set();
  ev.clear();
  w.join();
  EXPECT_TRUE(result);
}

TEST_F(EventTest, KilledWaiterLeavesTheQueue) {
  pinfiber::Event ev;
  auto w = spawn([&] { ev.wait(); });
  pinfiber::sleep(0);
  EXPECT_EQ(ev.waiter_count(), 1u);
  w.kill();
  EXPECT_EQ(ev.waiter_count(), 0u);
  ev.set();
}

TEST_F(EventTest, ScopedTimeoutInterruptsAWait) {
  pinfiber::Event ev;
  try {
    pinfiber::Timeout t(1s);
    ev.wait();
    FAIL() << "wait returned";
  } catch (const pinfiber::Timeout&) {
  }
  EXPECT_EQ(elapsed(), 1s);
  EXPECT_EQ(ev.waiter_count(), 0u);
}

TEST_F(EventTest, TenThousandWaitersAllWakeInOrder) {
  constexpr int n = 10000;
  pinfiber::Event ev;
  std::vector<int> order;
  order.reserve(n);
  std::vector<pinfiber::Greenlet<void>> gs;
  gs.reserve(n);
  for (int i = 0; i < n; ++i) {
    gs.push_back(spawn_with(pinfiber::SpawnOptions{.stack_size = 16 * 1024}, [&, i] {
      ev.wait();
      order.push_back(i);
    }));
  }
  pinfiber::sleep(0);
  EXPECT_EQ(ev.waiter_count(), static_cast<std::size_t>(n));
  ev.set();
  pinfiber::joinall(gs);
  ASSERT_EQ(order.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) ASSERT_EQ(order[i], i);
}

TEST_F(EventTest, MainWaitingOnAnEventNobodySetsGetsLoopExitNamingIt) {
  pinfiber::Event ev;
  try {
    ev.wait();
    FAIL() << "wait returned";
  } catch (const pinfiber::LoopExit& e) {
    EXPECT_NE(std::string(e.what()).find("Event.wait"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ev.waiter_count(), 0u);
}

class AsyncResultTest : public SyncTest {};

TEST_F(AsyncResultTest, SetHandsTheValueToEveryGetter) {
  pinfiber::AsyncResult<std::string> r;
  std::vector<std::string> got;
  auto g1 = spawn([&] { got.push_back(r.get()); });
  auto g2 = spawn([&] { got.push_back(r.get()); });
  auto setter = spawn([r] {
    pinfiber::sleep(3s);
    r.set("Hello!");
  });
  pinfiber::joinall({g1, g2, setter});
  EXPECT_EQ(got, (std::vector<std::string>{"Hello!", "Hello!"}));
  EXPECT_EQ(elapsed(), 3s);
  EXPECT_TRUE(r.ready());
  EXPECT_TRUE(r.successful());
  EXPECT_EQ(r.get(), "Hello!");
}

TEST_F(AsyncResultTest, SetExceptionIsRethrownByEveryGet) {
  pinfiber::AsyncResult<int> r;
  r.set_exception(std::make_exception_ptr(std::runtime_error("boom")));
  EXPECT_TRUE(r.ready());
  EXPECT_FALSE(r.successful());
  EXPECT_THROW(r.get(), std::runtime_error);
  EXPECT_THROW(r.get(), std::runtime_error);
  EXPECT_TRUE(r.wait());
}

TEST_F(AsyncResultTest, GetTimesOutWithTimeoutAndWaitReturnsFalse) {
  pinfiber::AsyncResult<int> r;
  EXPECT_FALSE(r.wait(1s));
  EXPECT_THROW(r.get(2s), pinfiber::TimeoutError);
  EXPECT_THROW(r.get_nowait(), pinfiber::TimeoutError);
  EXPECT_EQ(elapsed(), 3s);
  EXPECT_EQ(r.linkable().link_count(), 0u);
}

TEST_F(AsyncResultTest, VoidAndMoveOnlyResults) {
  pinfiber::AsyncResult<void> done;
  auto g = spawn([done] { done.set(); });
  done.get();
  pinfiber::AsyncResult<std::unique_ptr<int>> p;
  p.set(std::make_unique<int>(7));
  EXPECT_EQ(*p.get(), 7);
  g.join();
}

TEST_F(AsyncResultTest, LinkTargetTakesTheGreenletsOutcome) {
  expect_failures();
  pinfiber::AsyncResult<int> ok;
  pinfiber::AsyncResult<int> bad;
  pinfiber::AsyncResult<int> mismatched;
  pinfiber::AsyncResult<void> killed;
  auto g1 = spawn([] { return 42; });
  auto g2 = spawn([]() -> int { throw std::runtime_error("no"); });
  auto g3 = spawn([] { return std::string("x"); });
  auto g4 = spawn([] { pinfiber::sleep(10s); });
  g1.link(ok);
  g2.link(bad);
  g3.link(mismatched);
  g4.link(killed);
  EXPECT_EQ(ok.get(), 42);
  EXPECT_THROW(bad.get(), std::runtime_error);
  EXPECT_THROW(mismatched.get(), pinfiber::Error);
  g4.kill();
  killed.get();  // a kill is not a failure: a void result is simply done
  pinfiber::AsyncResult<int> killed_value;
  auto g5 = spawn([] {
    pinfiber::sleep(10s);
    return 1;
  });
  g5.link(killed_value);
  g5.kill();
  EXPECT_THROW(killed_value.get(), pinfiber::GreenletKilled);  // as Greenlet<int>::get() of g5 does
  pinfiber::joinall({g1, g2, g3});
}

TEST_F(AsyncResultTest, MainGettingAResultNobodySetsGetsLoopExit) {
  pinfiber::AsyncResult<int> r;
  try {
    r.get();
    FAIL();
  } catch (const pinfiber::LoopExit& e) {
    EXPECT_NE(std::string(e.what()).find("AsyncResult.get"), std::string::npos) << e.what();
  }
}

// gevent's order: get() of a ready result returns at once; wait() runs after the waiters the set()
// is still waking.
TEST_F(AsyncResultTest, GetOfAReadyResultDoesNotWaitBehindTheWaitersBeingWoken) {
  pinfiber::AsyncResult<int> r;
  std::vector<std::string> order;
  auto waiter = spawn([&] {
    r.wait();
    order.push_back("waiter");
  });
  pinfiber::sleep(0);
  auto late_wait = spawn([&] {
    r.wait();
    order.push_back("late wait");
  });
  auto late_get = spawn([&] { order.push_back("late get " + std::to_string(r.get())); });
  r.set(1);
  pinfiber::joinall({waiter, late_wait, late_get});
  EXPECT_EQ(order, (std::vector<std::string>{"late get 1", "waiter", "late wait"}));
}
