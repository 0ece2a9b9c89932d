// Group and Pool.

#include <algorithm>
#include <string>
#include <vector>

#include "sync/sync_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class PoolTest : public SyncTest {};

TEST_F(PoolTest, GroupTracksMembersUntilTheyFinish) {
  pinfiber::Group group;
  auto g1 = group.spawn([] { pinfiber::sleep(1s); });
  auto g2 = group.spawn([] { pinfiber::sleep(2s); });
  EXPECT_EQ(group.size(), 2u);
  EXPECT_TRUE(group.contains(g1));
  EXPECT_FALSE(group.join(1500ms));
  EXPECT_EQ(group.size(), 1u);
  EXPECT_TRUE(group.join());
  EXPECT_TRUE(group.empty());
  EXPECT_EQ(elapsed(), 2s);
}

TEST_F(PoolTest, GroupJoinRaiseErrorRethrowsAFailure) {
  expect_failures();
  pinfiber::Group group;
  group.spawn([] { throw std::runtime_error("bad"); });
  group.spawn([] {});
  EXPECT_THROW(group.join(pinfiber::forever, true), std::runtime_error);
  EXPECT_EQ(failures_, 1);
}

TEST_F(PoolTest, GroupKillKillsEveryMember) {
  pinfiber::Group group;
  int unwound = 0;
  for (int i = 0; i < 3; ++i) {
    group.spawn([&] {
      struct Count {
        int& n;
        ~Count() { ++n; }
      } c{unwound};
      pinfiber::sleep(100s);
    });
  }
  pinfiber::sleep(0);
  group.kill();
  EXPECT_TRUE(group.empty());
  EXPECT_EQ(unwound, 3);
  EXPECT_EQ(elapsed(), 0s);
}

TEST_F(PoolTest, AddDiscardAndKillone) {
  pinfiber::Group group;
  auto g = spawn([] { pinfiber::sleep(5s); });
  group.add(g);
  group.add(g);
  EXPECT_EQ(group.size(), 1u);
  group.discard(g);
  EXPECT_FALSE(group.contains(g));
  group.add(g);
  group.killone(g);
  EXPECT_TRUE(g.ready());
  // The group forgets a member in the member's links, which run later, from the hub (gevent's order).
  pinfiber::sleep(0);
  EXPECT_TRUE(group.empty());
}

TEST_F(PoolTest, PoolSpawnBlocksWhileFull) {
  pinfiber::Pool pool(2);
  std::vector<std::string> log;
  for (int i = 0; i < 4; ++i) {
    pool.spawn([&, i] {
      log.push_back("start " + std::to_string(i));
      pinfiber::sleep(1s);
    });
    log.push_back("spawned " + std::to_string(i));
  }
  EXPECT_EQ(elapsed(), 1s);  // the third spawn waited for a slot
  EXPECT_TRUE(pool.join());
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_EQ(log, (std::vector<std::string>{"spawned 0", "spawned 1", "start 0", "start 1", "spawned 2", "spawned 3",
                                           "start 2", "start 3"}));
}

TEST_F(PoolTest, FreeCountWaitAvailableAndAddTimeout) {
  pinfiber::Pool pool(1);
  EXPECT_EQ(pool.free_count(), 1u);
  EXPECT_FALSE(pool.full());
  auto g = pool.spawn([] { pinfiber::sleep(2s); });
  EXPECT_TRUE(pool.full());
  EXPECT_EQ(pool.wait_available(1s), 0u);
  auto other = spawn([] {});
  EXPECT_THROW(pool.add(other, 0s), pinfiber::PoolFull);
  EXPECT_EQ(pool.wait_available(), 1u);
  EXPECT_EQ(elapsed(), 2s);
  other.join();
}

TEST_F(PoolTest, KilledWhileWaitingForASlotLeaksNoSlot) {
  pinfiber::Pool pool(1);
  auto busy = pool.spawn([] { pinfiber::sleep(5s); });
  auto spawner = spawn([&] { pool.spawn([] {}); });
  pinfiber::sleep(0);
  spawner.kill();
  busy.join();
  EXPECT_EQ(pool.free_count(), 1u);
}

TEST_F(PoolTest, MapKeepsOrderAndBoundsConcurrency) {
  pinfiber::Pool pool(3);
  int running = 0;
  int most = 0;
  std::vector<int> in{5, 1, 4, 2, 3};
  auto out = pool.map(
      [&](int x) {
        most = std::max(most, ++running);
        pinfiber::sleep(std::chrono::seconds(x));
        --running;
        return x * 10;
      },
      in);
  EXPECT_EQ(out, (std::vector<int>{50, 10, 40, 20, 30}));
  EXPECT_EQ(most, 3);
}

TEST_F(PoolTest, MapOfAVoidFunctionAndAFailure) {
  expect_failures();
  pinfiber::Group group;
  int calls = 0;
  group.map([&](int) { ++calls; }, std::vector<int>{1, 2, 3});
  EXPECT_EQ(calls, 3);
  EXPECT_THROW(group.map(
                   [](int x) {
                     if (x == 2) throw std::runtime_error("two");
                     return x;
                   },
                   std::vector<int>{1, 2, 3}),
               std::runtime_error);
  group.join();
}

TEST_F(PoolTest, ImapUnorderedYieldsInCompletionOrderWithBoundedConcurrency) {
  pinfiber::Pool pool(2);
  std::vector<int> in{3, 1, 2};
  std::vector<int> out;
  for (int v : pool.imap_unordered(
           [](int x) {
             pinfiber::sleep(std::chrono::seconds(x));
             return x;
           },
           in)) {
    out.push_back(v);
  }
  // Two at a time: 1 ends at 1 s, then 2 starts and ends at 3 s, together with 3.
  EXPECT_EQ(out, (std::vector<int>{1, 3, 2}));
  EXPECT_EQ(elapsed(), 3s);
  pool.join();
}

TEST_F(PoolTest, ImapUnorderedRethrowsAFailureAtItsTurn) {
  expect_failures();
  pinfiber::Group group;
  auto results = group.imap_unordered(
      [](int x) {
        if (x == 2) throw std::runtime_error("two");
        return x;
      },
      std::vector<int>{1, 2, 3});
  EXPECT_EQ(results.next(), 1);
  EXPECT_THROW(results.next(), std::runtime_error);
  EXPECT_EQ(results.next(), 3);
  EXPECT_EQ(results.next(), std::nullopt);
  group.join();
}

TEST_F(PoolTest, AbandonedImapUnorderedStopsFeeding) {
  pinfiber::Pool pool(1);
  int started = 0;
  {
    auto results = pool.imap_unordered(
        [&](int x) {
          ++started;
          return x;
        },
        std::vector<int>{1, 2, 3, 4});
    EXPECT_EQ(results.next(), 1);
  }
  pool.join();
  EXPECT_LT(started, 4);
}
