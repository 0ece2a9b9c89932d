// wait / iwait over greenlets, Events and AsyncResults.

#include <vector>

#include "sync/sync_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class WaitTest : public SyncTest {};

TEST_F(WaitTest, IwaitYieldsInTheOrderObjectsBecomeReady) {
  pinfiber::Event ev;
  pinfiber::AsyncResult<int> r;
  auto g = spawn([] { pinfiber::sleep(3s); });
  auto setter = spawn([&] {
    pinfiber::sleep(1s);
    r.set(1);
    pinfiber::sleep(1s);
    ev.set();
  });
  std::vector<std::size_t> order;
  for (std::size_t i : pinfiber::iwait({g, ev, r})) order.push_back(i);
  EXPECT_EQ(order, (std::vector<std::size_t>{2, 1, 0}));
  EXPECT_EQ(elapsed(), 3s);
  setter.join();
}

TEST_F(WaitTest, ReadyObjectsComeFirstInListOrder) {
  pinfiber::Event a, b;
  b.set();
  a.set();
  auto order = pinfiber::wait({a, b});
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1}));
}

TEST_F(WaitTest, WaitWithCountAndTimeout) {
  pinfiber::Event never;
  auto g1 = spawn([] { pinfiber::sleep(1s); });
  auto g2 = spawn([] { pinfiber::sleep(2s); });
  EXPECT_EQ(pinfiber::wait({g2, g1, never}, pinfiber::forever, 1), (std::vector<std::size_t>{1}));
  EXPECT_EQ(elapsed(), 1s);
  EXPECT_EQ(pinfiber::wait({g2, g1, never}, 5s), (std::vector<std::size_t>{1, 0}));
  EXPECT_EQ(elapsed(), 6s);
  EXPECT_EQ(never.waiter_count(), 0u);
}

TEST_F(WaitTest, ObjectsReadyWhileTheCallerIsBusyAreNotMissed) {
  pinfiber::Event a, b;
  auto setter = spawn([&] {
    a.set();
    b.set();
  });
  pinfiber::IWait it({a, b});
  pinfiber::sleep(1s);  // both get set meanwhile; the sleep is not cut short by them
  EXPECT_EQ(elapsed(), 1s);
  EXPECT_EQ(it.next(), 0u);
  EXPECT_EQ(it.next(), 1u);
  EXPECT_EQ(it.next(), std::nullopt);
  setter.join();
}

TEST_F(WaitTest, MainWaitingOnObjectsNothingCanMakeReadyGetsLoopExit) {
  pinfiber::Event ev;
  EXPECT_THROW(pinfiber::wait({ev}), pinfiber::LoopExit);
  EXPECT_EQ(ev.waiter_count(), 0u);
}
