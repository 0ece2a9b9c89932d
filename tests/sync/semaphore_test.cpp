// Semaphore, BoundedSemaphore, Lock, RLock.

#include <mutex>
#include <string>
#include <vector>

#include "sync/sync_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class SemaphoreTest : public SyncTest {};

TEST_F(SemaphoreTest, AcquireAndReleaseCountPermits) {
  pinfiber::Semaphore sem(2);
  EXPECT_EQ(sem.counter(), 2u);
  EXPECT_TRUE(sem.acquire());
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_TRUE(sem.locked());
  EXPECT_FALSE(sem.try_acquire());
  sem.release();
  sem.release();
  sem.release();  // an unbounded Semaphore may grow past its start value
  EXPECT_EQ(sem.counter(), 3u);
}

TEST_F(SemaphoreTest, AcquireTimesOutReturningFalse) {
  pinfiber::Semaphore sem(0);
  EXPECT_FALSE(sem.acquire(1s));
  EXPECT_EQ(elapsed(), 1s);
  EXPECT_FALSE(sem.acquire(0s));
  EXPECT_EQ(sem.waiter_count(), 0u);
}

TEST_F(SemaphoreTest, WaitersGetPermitsFirstComeFirstServed) {
  pinfiber::Semaphore sem(0);
  std::vector<int> order;
  std::vector<pinfiber::Greenlet<void>> gs;
  for (int i = 0; i < 3; ++i) {
    gs.push_back(spawn([&, i] {
      sem.acquire();
      order.push_back(i);
    }));
  }
  pinfiber::sleep(0);
  sem.release();
  // Wake, then take (gevent's order): the release queued the first waiter's wake-up, and what it gets
  // is decided when it runs - so main, which has not blocked since, can take the permit back.
  EXPECT_TRUE(sem.try_acquire());
  sem.release();
  sem.release();
  sem.release();
  pinfiber::joinall(gs);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(sem.counter(), 0u);
}

TEST_F(SemaphoreTest, KilledWaiterLeaksNoPermit) {
  pinfiber::Semaphore sem(0);
  auto victim = spawn([&] { sem.acquire(); });
  auto other = spawn([&] { sem.acquire(); });
  pinfiber::sleep(0);
  victim.kill(false);  // queued first: it reaches the victim before the release's wake-up does
  sem.release();
  other.join();  // the permit went to the next waiter
  EXPECT_TRUE(victim.killed());
  EXPECT_EQ(sem.counter(), 0u);

  auto lone = spawn([&] { sem.acquire(); });
  pinfiber::sleep(0);
  lone.kill(false);
  sem.release();
  lone.join();  // killed before its wake-up came: the permit stays with the counter
  EXPECT_EQ(sem.counter(), 1u);
}

TEST_F(SemaphoreTest, AWaiterWhoseTimeoutFiredFirstTakesNoPermit) {
  pinfiber::Semaphore sem(0);
  bool got = true;
  auto w = spawn([&] { got = sem.acquire(1s); });
  pinfiber::sleep(0);
  pinfiber::hub().advance_clock(1s);  // its timer fires: its timeout is decided, it is queued to run
  sem.release();                      // the wake-up comes after: the permit stays free (as in gevent)
  w.join();
  EXPECT_FALSE(got);
  EXPECT_EQ(sem.counter(), 1u);
}

TEST_F(SemaphoreTest, WaitBlocksUntilAPermitIsFreeWithoutTakingIt) {
  pinfiber::Semaphore sem(0);
  std::size_t seen = 99;
  auto w = spawn([&] { seen = sem.wait(); });
  pinfiber::sleep(0);
  sem.release();
  w.join();
  EXPECT_EQ(seen, 1u);
  EXPECT_EQ(sem.counter(), 1u);
  EXPECT_EQ(pinfiber::Semaphore(0).wait(1s), 0u);
}

TEST_F(SemaphoreTest, StdGuardsWork) {
  pinfiber::Semaphore sem(1);
  {
    std::lock_guard hold(sem);
    EXPECT_TRUE(sem.locked());
    std::unique_lock maybe(sem, 2s);
    EXPECT_FALSE(maybe.owns_lock());
    EXPECT_EQ(elapsed(), 2s);
  }
  EXPECT_FALSE(sem.locked());
}

TEST_F(SemaphoreTest, BoundedSemaphoreRefusesReleasingPastItsBound) {
  pinfiber::BoundedSemaphore sem(2);
  sem.acquire();
  sem.release();
  try {
    sem.release();
    FAIL();
  } catch (const pinfiber::Error& e) {
    EXPECT_STREQ(e.what(), "release BoundedSemaphore(2): released more times than acquired");
  }
  EXPECT_EQ(sem.counter(), 2u);
}

TEST_F(SemaphoreTest, AtMostTwoHoldABoundedSemaphoreOfTwo) {
  pinfiber::BoundedSemaphore sem(2);
  int inside = 0;
  int most = 0;
  std::vector<pinfiber::Greenlet<void>> gs;
  for (int i = 0; i < 6; ++i) {
    gs.push_back(spawn([&] {
      std::lock_guard hold(sem);
      most = std::max(most, ++inside);
      pinfiber::sleep(1s);
      --inside;
    }));
  }
  pinfiber::joinall(gs);
  EXPECT_EQ(most, 2);
  EXPECT_EQ(elapsed(), 3s);
}

TEST_F(SemaphoreTest, MainAcquiringASemaphoreNobodyReleasesGetsLoopExit) {
  pinfiber::Semaphore sem(0);
  try {
    sem.acquire();
    FAIL();
  } catch (const pinfiber::LoopExit& e) {
    EXPECT_NE(std::string(e.what()).find("Semaphore.acquire"), std::string::npos) << e.what();
  }
  EXPECT_EQ(sem.waiter_count(), 0u);
}

class LockTest : public SyncTest {};

TEST_F(LockTest, LockExcludesAndReleaseWhenUnlockedIsAnError) {
  pinfiber::Lock lock;
  EXPECT_THROW(lock.release(), pinfiber::Error);
  std::vector<std::string> log;
  auto a = spawn([&] {
    std::lock_guard hold(lock);
    log.push_back("a in");
    pinfiber::sleep(1s);
    log.push_back("a out");
  });
  auto b = spawn([&] {
    std::lock_guard hold(lock);
    log.push_back("b in");
  });
  pinfiber::joinall({a, b});
  EXPECT_EQ(log, (std::vector<std::string>{"a in", "a out", "b in"}));
  EXPECT_FALSE(lock.locked());
}

TEST_F(LockTest, LockAcquireTimesOutAndLoopExitNamesIt) {
  pinfiber::Lock lock;
  lock.acquire();
  EXPECT_FALSE(lock.acquire(1s));
  try {
    lock.acquire();
    FAIL();
  } catch (const pinfiber::LoopExit& e) {
    EXPECT_NE(std::string(e.what()).find("Lock.acquire"), std::string::npos) << e.what();
  }
  lock.release();
}

TEST_F(LockTest, RLockIsReentrantForItsHolderOnly) {
  pinfiber::RLock lock;
  {
    std::lock_guard outer(lock);
    std::lock_guard inner(lock);
    EXPECT_EQ(lock.count(), 2u);
    EXPECT_TRUE(lock.is_owned());
    auto other = spawn([&] {
      EXPECT_FALSE(lock.is_owned());
      EXPECT_FALSE(lock.acquire(1s));
      EXPECT_THROW(lock.release(), pinfiber::Error);
    });
    other.join();
  }
  EXPECT_FALSE(lock.locked());
  EXPECT_EQ(lock.count(), 0u);
  EXPECT_THROW(lock.release(), pinfiber::Error);
}

TEST_F(LockTest, RLockPassesToTheNextWaiterOnLastRelease) {
  pinfiber::RLock lock;
  std::vector<int> order;
  lock.acquire();
  lock.acquire();
  auto w = spawn([&] {
    std::lock_guard hold(lock);
    order.push_back(2);
  });
  pinfiber::sleep(0);
  lock.release();
  pinfiber::sleep(0);
  order.push_back(1);
  lock.release();
  w.join();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}
