// Channel: a rendezvous.

#include <memory>
#include <string>
#include <vector>

#include "sync/sync_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class ChannelTest : public SyncTest {};

TEST_F(ChannelTest, PutBlocksUntilAGetterTakesTheItem) {
  pinfiber::Channel<std::string> ch;
  std::vector<std::string> log;
  auto putter = spawn([&] {
    ch.put("ping");
    log.push_back("put returned");
  });
  pinfiber::sleep(1s);
  EXPECT_EQ(ch.balance(), 1);
  log.push_back("getting");
  log.push_back(ch.get());
  putter.join();
  EXPECT_EQ(log, (std::vector<std::string>{"getting", "ping", "put returned"}));
}

TEST_F(ChannelTest, GetBlocksUntilAPutterOffersAndPutReturnsAtOnce) {
  pinfiber::Channel<std::unique_ptr<int>> ch;
  auto getter = spawn([&] { return *ch.get(); });
  pinfiber::sleep(0);
  EXPECT_EQ(ch.balance(), -1);
  ch.put(std::make_unique<int>(5));
  EXPECT_EQ(ch.balance(), 0);
  EXPECT_EQ(getter.get(), 5);
}

TEST_F(ChannelTest, NowaitAndTimeouts) {
  pinfiber::Channel<int> ch;
  EXPECT_THROW(ch.put_nowait(1), pinfiber::Full);
  EXPECT_THROW(ch.get_nowait(), pinfiber::Empty);
  EXPECT_THROW(ch.put(1, 1s), pinfiber::Full);
  EXPECT_THROW(ch.get(1s), pinfiber::Empty);
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_EQ(ch.balance(), 0);
}

TEST_F(ChannelTest, BothSidesFirstComeFirstServed) {
  pinfiber::Channel<int> ch;
  std::vector<int> got;
  std::vector<pinfiber::Greenlet<void>> putters;
  for (int i = 0; i < 3; ++i) putters.push_back(spawn([&ch, i] { ch.put(i); }));
  pinfiber::sleep(0);
  for (int i = 0; i < 3; ++i) got.push_back(ch.get());
  pinfiber::joinall(putters);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2}));
}

TEST_F(ChannelTest, KilledGetterLosesNoItem) {
  pinfiber::Channel<int> ch;
  auto victim = spawn([&] { ch.get(); });
  pinfiber::sleep(0);
  victim.kill(false);  // queued first: it reaches the victim before any meeting does
  auto putter = spawn([&] { ch.put(7); });
  EXPECT_EQ(ch.get(), 7);
  putter.join();
  EXPECT_TRUE(victim.killed());
}

TEST_F(ChannelTest, MainPuttingWithNoGetterGetsLoopExit) {
  pinfiber::Channel<int> ch;
  try {
    ch.put(1);
    FAIL();
  } catch (const pinfiber::LoopExit& e) {
    EXPECT_NE(std::string(e.what()).find("Channel.put"), std::string::npos) << e.what();
  }
}

// Not in gevent (Python ends an iteration with a StopIteration item): shutdown() ends it.
TEST_F(ChannelTest, ShutdownEndsIterationAfterThePuttersAlreadyBlocked) {
  pinfiber::Channel<int> ch;
  std::vector<int> got;
  auto consumer = spawn([&] {
    for (int x : ch) got.push_back(x);
  });
  auto p1 = spawn([&] { ch.put(1); });
  auto p2 = spawn([&] { ch.put(2); });
  pinfiber::sleep(0);  // both putters block: the consumer takes one at a time
  ch.shutdown();
  EXPECT_THROW(ch.put(3), pinfiber::QueueShutdown);
  EXPECT_THROW(ch.put_nowait(3), pinfiber::QueueShutdown);
  pinfiber::joinall({consumer, p1, p2});
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
  EXPECT_THROW(ch.get(), pinfiber::QueueShutdown);
  EXPECT_THROW(ch.get_nowait(), pinfiber::QueueShutdown);
}

TEST_F(ChannelTest, ShutdownWakesBlockedGetters) {
  pinfiber::Channel<int> ch;
  int stopped = 0;
  auto getter = [&] {
    try {
      ch.get();
    } catch (const pinfiber::QueueShutdown&) {
      ++stopped;
    }
  };
  auto g1 = spawn(getter);
  auto g2 = spawn(getter);
  pinfiber::sleep(0);
  ch.shutdown();
  pinfiber::joinall({g1, g2});
  EXPECT_EQ(stopped, 2);
  EXPECT_EQ(elapsed(), 0s);
}

// The difference from gevent the README names: put_nowait never yields (gevent's is put(timeout=0)).
TEST_F(ChannelTest, PutNowaitHandsOverWithoutYielding) {
  pinfiber::Channel<std::string> ch;
  std::vector<std::string> order;
  auto getter = spawn([&] { order.push_back("got " + ch.get()); });
  pinfiber::sleep(0);
  ch.put_nowait("x");
  order.push_back("put_nowait returned");
  getter.join();
  EXPECT_EQ(order, (std::vector<std::string>{"put_nowait returned", "got x"}));
}
