// Scheduling order: spawn only schedules, FIFO turns, sleep(0) requeues behind the ready ones.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class Scheduling : public HubTest {};

TEST_F(Scheduling, SpawnOnlySchedules) {
  bool ran = false;
  auto g = spawn([&] { ran = true; });
  EXPECT_FALSE(ran);
  EXPECT_TRUE(g.started());
  EXPECT_FALSE(g.ready());
  g.join();
  EXPECT_TRUE(ran);
}

TEST_F(Scheduling, StoryOneOrderMatchesGevent) {
  std::vector<int> out;
  auto foo = spawn([&] {
    out.push_back(12);
    pinfiber::sleep(0);
    out.push_back(34);
  });
  auto bar = spawn([&] {
    out.push_back(56);
    pinfiber::sleep(0);
    out.push_back(78);
  });
  pinfiber::joinall({foo, bar});
  EXPECT_EQ(out, (std::vector<int>{12, 56, 34, 78}));
}

TEST_F(Scheduling, YieldRequeuesBehindEverythingReady) {
  std::string out;
  std::vector<pinfiber::GreenletBase> gs;
  for (char c : std::string("abc")) {
    gs.push_back(spawn([&out, c] {
      for (int i = 0; i < 3; ++i) {
        out += c;
        pinfiber::yield();
      }
    }));
  }
  pinfiber::joinall(gs);
  EXPECT_EQ(out, "abcabcabc");
}

TEST_F(Scheduling, GreenletSpawnedByGreenletRunsAfterThoseAlreadyReady) {
  std::string out;
  auto a = spawn([&] {
    out += 'a';
    auto c = spawn([&] { out += 'c'; });
    pinfiber::sleep(0);
    out += 'A';
    c.join();
  });
  auto b = spawn([&] { out += 'b'; });
  pinfiber::joinall({a, b});
  EXPECT_EQ(out, "abcA");
}

TEST_F(Scheduling, ArgumentsAreMovedInAndResultsOfAnyType) {
  auto sum = spawn([](int x, int y) { return x + y; }, 2, 3);
  auto text = spawn([](std::string s) { return s + "!"; }, std::string("hi"));
  auto owned = spawn([](std::unique_ptr<int> p) { return std::make_unique<int>(*p * 2); }, std::make_unique<int>(21));
  auto nothing = spawn([] {});
  EXPECT_EQ(sum.get(), 5);
  EXPECT_EQ(text.get(), "hi!");
  std::unique_ptr<int> moved = std::move(owned.get());
  EXPECT_EQ(*moved, 42);
  nothing.get();
  EXPECT_TRUE(nothing.successful());
}

TEST_F(Scheduling, ReferencesViaStdRef) {
  int counter = 0;
  auto g = spawn([](int& c) { c = 7; }, std::ref(counter));
  g.join();
  EXPECT_EQ(counter, 7);
}

TEST_F(Scheduling, SpawnLaterWaitsOnTheClock) {
  auto g = pinfiber::spawn_later(2s, [] { return pinfiber::Clock::now(); });
  EXPECT_EQ(g.get() - start_, 2s);
}

TEST_F(Scheduling, SpawnLaterKilledBeforeItsTimeNeverRuns) {
  bool ran = false;
  auto g = pinfiber::spawn_later(1s, [&] { ran = true; });
  g.kill();
  EXPECT_TRUE(g.ready());
  pinfiber::sleep(2s);
  EXPECT_FALSE(ran);
  EXPECT_FALSE(g.has_run());
}

TEST_F(Scheduling, GetcurrentAndNames) {
  EXPECT_EQ(pinfiber::getcurrent().name(), "main");
  auto g = pinfiber::spawn_with({.name = "worker"}, [] { return pinfiber::getcurrent().name(); });
  EXPECT_EQ(g.get(), "worker");
  auto anon = spawn([] { return pinfiber::getcurrent().name(); });
  EXPECT_EQ(anon.get().rfind("Greenlet-", 0), 0u);
  EXPECT_EQ(anon.get(), anon.name());
}

TEST_F(Scheduling, HundredThousandGreenletsSpawnedAndJoined) {
  // All of them are alive at once: on a 32-bit process 100,000 stacks of 64 KiB would not fit in its
  // 3 GiB of address space, so it proves the same with 20,000 there.
  constexpr int kCount = sizeof(void*) == 4 ? 20'000 : 100'000;
  std::int64_t total = 0;
  std::vector<pinfiber::Greenlet<void>> gs;
  gs.reserve(kCount);
  for (int i = 0; i < kCount; ++i) {
    gs.push_back(spawn([&total, i] {
      pinfiber::sleep(0);
      total += i;
    }));
  }
  auto done = pinfiber::joinall(gs);
  EXPECT_EQ(done.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(total, static_cast<std::int64_t>(kCount) * (kCount - 1) / 2);
}

TEST_F(Scheduling, MainGreenletIsTheSameFromAnywhere) {
  auto from_inside = spawn([] { return pinfiber::main_greenlet(); });
  EXPECT_EQ(from_inside.get(), pinfiber::getcurrent());
  EXPECT_EQ(pinfiber::main_greenlet().name(), "main");
}
