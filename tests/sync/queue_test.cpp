// Queue, LifoQueue, PriorityQueue, JoinableQueue.

#include <memory>
#include <string>
#include <vector>

#include "sync/sync_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class QueueTest : public SyncTest {};

TEST_F(QueueTest, PutThenGetInFifoOrder) {
  pinfiber::Queue<int> q;
  for (int i = 1; i <= 3; ++i) q.put(i);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_FALSE(q.empty());
  EXPECT_FALSE(q.full());
  EXPECT_EQ(q.peek(), 1);
  EXPECT_EQ(q.get(), 1);
  EXPECT_EQ(q.get_nowait(), 2);
  EXPECT_EQ(q.get(1s), 3);
  EXPECT_TRUE(q.empty());
}

TEST_F(QueueTest, NowaitCallsThrowEmptyAndFull) {
  pinfiber::Queue<int> q(1);
  EXPECT_THROW(q.get_nowait(), pinfiber::Empty);
  EXPECT_THROW(q.peek_nowait(), pinfiber::Empty);
  q.put_nowait(1);
  EXPECT_TRUE(q.full());
  try {
    q.put_nowait(2);
    FAIL();
  } catch (const pinfiber::Full& e) {
    EXPECT_STREQ(e.what(), "Queue.put: the queue is full (maxsize 1)");
  }
  EXPECT_EQ(q.size(), 1u);
}

TEST_F(QueueTest, GetTimesOutWithEmptyAndPutWithFull) {
  pinfiber::Queue<int> q(1);
  try {
    q.get(2s);
    FAIL();
  } catch (const pinfiber::Empty& e) {
    EXPECT_STREQ(e.what(), "Queue.get: the queue is empty after waiting 2.000 s");
  }
  EXPECT_EQ(elapsed(), 2s);
  q.put(1);
  EXPECT_THROW(q.put(2, 1s), pinfiber::Full);
  EXPECT_EQ(elapsed(), 3s);
  EXPECT_EQ(q.getter_count() + q.putter_count(), 0u);
  EXPECT_EQ(q.get(), 1);
  EXPECT_THROW(q.peek(1s), pinfiber::Empty);
}

TEST_F(QueueTest, BlockedGettersAreServedInTheOrderTheyBlocked) {
  pinfiber::Queue<int> q;
  std::vector<std::string> got;
  std::vector<pinfiber::Greenlet<void>> gs;
  for (std::string name : {"a", "b", "c"}) {
    gs.push_back(spawn([&, name] { got.push_back(name + std::to_string(q.get())); }));
  }
  pinfiber::sleep(0);
  EXPECT_EQ(q.getter_count(), 3u);
  q.put(1);
  q.put(2);
  q.put(3);
  // Wake, then take (gevent's order): the getters were woken, each takes its item when it runs, so
  // the items are still in the queue until then.
  EXPECT_EQ(q.size(), 3u);
  pinfiber::joinall(gs);
  EXPECT_EQ(got, (std::vector<std::string>{"a1", "b2", "c3"}));
}

TEST_F(QueueTest, BlockedPuttersAddInTheOrderTheyBlocked) {
  pinfiber::Queue<int> q(1);
  q.put(0);
  std::vector<pinfiber::Greenlet<void>> gs;
  for (int i = 1; i <= 3; ++i) gs.push_back(spawn([&q, i] { q.put(i); }));
  pinfiber::sleep(0);
  EXPECT_EQ(q.putter_count(), 3u);
  std::vector<int> got;
  for (int i = 0; i < 4; ++i) got.push_back(q.get());
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3}));
  pinfiber::joinall(gs);
}

TEST_F(QueueTest, MoveOnlyItems) {
  pinfiber::Queue<std::unique_ptr<int>> q(1);
  auto producer = spawn([&] {
    for (int i = 0; i < 3; ++i) q.put(std::make_unique<int>(i));
  });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*q.get(), i);
  producer.join();
}

TEST_F(QueueTest, ProducerAndThreeConsumersEachItemExactlyOnce) {
  pinfiber::Queue<int> q(3);
  std::vector<int> seen;
  auto boss = spawn([&] {
    for (int i = 1; i <= 9; ++i) q.put(i);
  });
  auto worker = [&] {
    try {
      for (;;) {
        seen.push_back(q.get(1s));
        pinfiber::sleep(0);
      }
    } catch (const pinfiber::Empty&) {
    }
  };
  pinfiber::joinall({boss, spawn(worker), spawn(worker), spawn(worker)});
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(QueueTest, KilledGetterLosesNoItem) {
  pinfiber::Queue<int> q;
  auto victim = spawn([&] { q.get(); });
  auto next = spawn([&] { return q.get(); });
  pinfiber::sleep(0);
  victim.kill(false);  // queued first: it reaches the victim before the put's wake-up does
  q.put(1);
  EXPECT_EQ(next.get(), 1);
  EXPECT_TRUE(victim.killed());
  EXPECT_TRUE(q.empty());
}

TEST_F(QueueTest, KilledGetterWithNobodyBehindPutsItsItemBack) {
  pinfiber::Queue<int> q;
  q.put(5);
  auto victim = spawn([&] { q.get(); });
  (void)q.get();
  pinfiber::sleep(0);
  victim.kill(false);
  q.put(1);
  q.put(2);
  EXPECT_EQ(q.get(), 1);
  EXPECT_EQ(q.get(), 2);
  victim.join();
}

TEST_F(QueueTest, KilledPutterAddsNothingAndDoesNotBlockOthers) {
  pinfiber::Queue<int> q(1);
  q.put(0);
  auto victim = spawn([&] { q.put(1); });
  auto other = spawn([&] { q.put(2); });
  pinfiber::sleep(0);
  victim.kill();
  EXPECT_EQ(q.putter_count(), 1u);
  EXPECT_EQ(q.get(), 0);
  EXPECT_EQ(q.get(), 2);
  other.join();
  EXPECT_TRUE(q.empty());
}

TEST_F(QueueTest, ShutdownLetsConsumersDrainThenStop) {
  pinfiber::Queue<int> q;
  std::vector<int> got;
  bool stopped = false;
  auto consumer = spawn([&] {
    for (int v : q) got.push_back(v);
    stopped = true;
  });
  q.put(1);
  q.put(2);
  q.shutdown();
  EXPECT_TRUE(q.is_shutdown());
  EXPECT_THROW(q.put(3), pinfiber::QueueShutdown);
  consumer.join();
  EXPECT_TRUE(stopped);
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
  EXPECT_THROW(q.get(), pinfiber::QueueShutdown);
  EXPECT_THROW(q.get_nowait(), pinfiber::QueueShutdown);
}

TEST_F(QueueTest, ShutdownWakesBlockedGettersAndPutters) {
  pinfiber::Queue<int> empty_q;
  pinfiber::Queue<int> full_q(1);
  full_q.put(0);
  auto getter = spawn([&] { EXPECT_THROW(empty_q.get(), pinfiber::QueueShutdown); });
  auto putter = spawn([&] { EXPECT_THROW(full_q.put(1), pinfiber::QueueShutdown); });
  pinfiber::sleep(0);
  empty_q.shutdown();
  full_q.shutdown();
  pinfiber::joinall({getter, putter});
  EXPECT_EQ(full_q.size(), 1u);
  EXPECT_EQ(full_q.get(), 0);
}

TEST_F(QueueTest, ShutdownImmediateDropsItems) {
  pinfiber::JoinableQueue<int> q;
  q.put(1);
  q.put(2);
  q.shutdown(true);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.unfinished_tasks(), 0u);
  EXPECT_TRUE(q.join(0s));
  EXPECT_THROW(q.get(), pinfiber::QueueShutdown);
}

TEST_F(QueueTest, PeekBlocksUntilAnItemComesAndLeavesIt) {
  pinfiber::Queue<std::string> q;
  std::string seen;
  auto peeker = spawn([&] { seen = q.peek(); });
  pinfiber::sleep(0);
  q.put("x");
  peeker.join();
  EXPECT_EQ(seen, "x");
  EXPECT_EQ(q.size(), 1u);
}

TEST_F(QueueTest, MainGettingFromAQueueNobodyFillsGetsLoopExitNamingIt) {
  pinfiber::Queue<int> q;
  try {
    q.get();
    FAIL();
  } catch (const pinfiber::LoopExit& e) {
    EXPECT_NE(std::string(e.what()).find("Queue.get"), std::string::npos) << e.what();
  }
  EXPECT_EQ(q.getter_count(), 0u);
}

TEST_F(QueueTest, LifoQueueTakesTheNewestFirst) {
  pinfiber::LifoQueue<int> q;
  q.put(1);
  q.put(2);
  q.put(3);
  EXPECT_EQ(q.peek(), 3);
  EXPECT_EQ(q.get(), 3);
  EXPECT_EQ(q.get(), 2);
  EXPECT_EQ(q.get(), 1);
}

TEST_F(QueueTest, PriorityQueueTakesTheSmallestFirst) {
  pinfiber::PriorityQueue<std::pair<int, std::string>> q;
  q.put({3, "c"});
  q.put({1, "a"});
  q.put({2, "b"});
  EXPECT_EQ(q.peek().second, "a");
  EXPECT_EQ(q.get().second, "a");
  EXPECT_EQ(q.get().second, "b");
  EXPECT_EQ(q.get().second, "c");
  pinfiber::PriorityQueue<int, std::greater<int>> max_first;
  max_first.put(1);
  max_first.put(5);
  EXPECT_EQ(max_first.get(), 5);
}

TEST_F(QueueTest, JoinableQueueJoinWaitsForTaskDone) {
  pinfiber::JoinableQueue<int> q;
  EXPECT_TRUE(q.join(0s));
  std::vector<int> done;
  auto worker = spawn([&] {
    for (int v : q) {
      pinfiber::sleep(1s);
      done.push_back(v);
      q.task_done();
    }
  });
  q.put(1);
  q.put(2);
  EXPECT_EQ(q.unfinished_tasks(), 2u);
  EXPECT_FALSE(q.join(1500ms));
  EXPECT_TRUE(q.join());
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_EQ(done, (std::vector<int>{1, 2}));
  EXPECT_THROW(q.task_done(), pinfiber::Error);
  q.shutdown();
  worker.join();
}
