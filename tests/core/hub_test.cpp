// The hub itself: one per thread, torn down with its thread, settings, and posts across threads.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class HubBasics : public HubTest {};

TEST_F(HubBasics, OneHubPerThread) {
  pinfiber::Hub* main_hub = &pinfiber::hub();
  pinfiber::Hub* other_hub = nullptr;
  int other_result = 0;
  std::thread t([&] {
    other_hub = &pinfiber::hub();
    auto g = spawn([] { return 7; });
    other_result = g.get();
  });
  t.join();
  EXPECT_NE(other_hub, main_hub);
  EXPECT_EQ(other_result, 7);
  EXPECT_EQ(&pinfiber::hub(), main_hub);
}

TEST_F(HubBasics, GreenletsStillAliveAtThreadExitAreKilledAndUnwound) {
  std::atomic<bool> destroyed{false};
  std::atomic<bool> never_started_ran{false};
  struct Flag {
    std::atomic<bool>* f;
    ~Flag() { *f = true; }
  };
  std::thread t([&] {
    spawn([&] {
      Flag flag{&destroyed};
      pinfiber::sleep(1h);
    });
    pinfiber::sleep(0);  // let it start and park
    spawn([&] { never_started_ran = true; });
    // the thread ends here with both greenlets alive
  });
  t.join();
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(never_started_ran);
}

TEST_F(HubBasics, GreenletCountTracksLiveGreenlets) {
  auto& hub = pinfiber::hub();
  EXPECT_EQ(hub.greenlet_count(), 0u);
  auto a = spawn([] { pinfiber::sleep(1s); });
  auto b = spawn([] {});
  EXPECT_EQ(hub.greenlet_count(), 2u);
  b.join();
  EXPECT_EQ(hub.greenlet_count(), 1u);
  a.join();
  EXPECT_EQ(hub.greenlet_count(), 0u);
}

TEST_F(HubBasics, DefaultStackSizeIsSettableAndRoundedToPages) {
  auto& hub = pinfiber::hub();
  const auto original = hub.default_stack_size();
  hub.set_default_stack_size(100'000);
  EXPECT_EQ(hub.default_stack_size() % 4096, 0u);
  EXPECT_GE(hub.default_stack_size(), 100'000u);
  auto g = spawn([] { return 1; });
  EXPECT_EQ(g.get(), 1);
  hub.set_default_stack_size(original);
  EXPECT_EQ(hub.default_stack_size(), original);
}

TEST_F(HubBasics, PostFromManyThreadsRunsEveryCallbackInTheHubThread) {
  auto& hub = pinfiber::hub();
  const auto hub_thread = std::this_thread::get_id();
  int ran = 0;
  bool all_in_hub_thread = true;
  auto waiter = spawn([] { pinfiber::detail::park_until({"posts"}, pinfiber::TimePoint::max()); });
  pinfiber::sleep(0);
  hub.hold();
  constexpr int kThreads = 4, kPosts = 250;
  std::atomic<int> threads_done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPosts; ++i) {
        hub.post([&, f = waiter.fiber()] {
          all_in_hub_thread = all_in_hub_thread && std::this_thread::get_id() == hub_thread;
          if (++ran == kThreads * kPosts) pinfiber::detail::wake(f);
        });
      }
      ++threads_done;
    });
  }
  waiter.join();
  for (auto& t : threads) t.join();
  hub.unhold();
  pinfiber::sleep(0);
  EXPECT_EQ(ran, kThreads * kPosts);
  EXPECT_TRUE(all_in_hub_thread);
}

TEST_F(HubBasics, KillAllKillsEveryOtherGreenletAndRunsDestructors) {
  int destroyed = 0;
  struct Count {
    int* n;
    ~Count() { ++*n; }
  };
  bool unstarted_ran = false;
  for (int i = 0; i < 3; ++i) {
    spawn([&] {
      Count c{&destroyed};
      pinfiber::sleep(1h);
    });
  }
  pinfiber::sleep(0);
  spawn([&] { unstarted_ran = true; });
  EXPECT_EQ(pinfiber::hub().kill_all(), 0u);
  EXPECT_EQ(destroyed, 3);
  EXPECT_FALSE(unstarted_ran);
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u);
}

TEST_F(HubBasics, KillAllFromAGreenletSparesTheCallerAndHonoursTimeout) {
  auto stubborn = spawn([] {
    try {
      pinfiber::sleep(1h);
    } catch (const pinfiber::GreenletExit&) {
      pinfiber::sleep(10s);  // takes its time to die
    }
  });
  auto killer = spawn([] { return pinfiber::hub().kill_all(2s); });
  EXPECT_EQ(killer.get(), 1u);  // the stubborn one was still unwinding after 2 s
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_TRUE(killer.successful());
  stubborn.join();
  EXPECT_EQ(elapsed(), 10s);
}

// Per-hub state of a layer: made on first use, one per hub, destroyed after the greenlets that use
// it (a greenlet killed at thread exit still finds it in its destructor), in reverse order.
namespace service_test {
std::vector<std::string>* destroyed = nullptr;
bool first_alive_in_killed_destructor = false;
struct First {
  int uses = 0;
  ~First() { destroyed->push_back("first"); }
};
struct Second {
  explicit Second(pinfiber::Hub& h) : first(h.service<First>()) {}  // made after First, so gone before it
  First& first;
  ~Second() { destroyed->push_back("second"); }
};
}  // namespace service_test

TEST_F(HubBasics, ServicesAreMadeOnceAndOutliveTheGreenletsAtThreadExit) {
  using namespace service_test;
  std::vector<std::string> order;
  destroyed = &order;
  first_alive_in_killed_destructor = false;
  std::thread t([&] {
    EXPECT_EQ(pinfiber::hub().find_service<First>(), nullptr);
    pinfiber::hub().service<Second>();
    pinfiber::hub().service<First>().uses++;
    EXPECT_EQ(pinfiber::hub().service<First>().uses, 1);  // the same object the second time
    struct UsesServiceWhenKilled {
      ~UsesServiceWhenKilled() {
        first_alive_in_killed_destructor = destroyed->empty() && pinfiber::hub().service<First>().uses == 1;
      }
    };
    spawn([&] {
      UsesServiceWhenKilled u;
      pinfiber::sleep(1h);
    });
    pinfiber::sleep(0);
  });
  t.join();
  EXPECT_TRUE(first_alive_in_killed_destructor);
  EXPECT_EQ(order, (std::vector<std::string>{"second", "first"}));
}

TEST_F(HubBasics, ActivityCountsSwitches) {
  const auto& activity = pinfiber::hub().activity();
  const auto before = activity.switches.load();
  auto g = spawn([] { pinfiber::sleep(0); });
  g.join();
  // Into g; its yield, with nothing else ready, to the hub (which polls) and back; to main when it ends.
  EXPECT_EQ(activity.switches.load() - before, 4u);
  EXPECT_FALSE(activity.polling.load());
  EXPECT_EQ(activity.running.load(), pinfiber::getcurrent().fiber()->id());
  EXPECT_EQ(activity.name_of(activity.running.load()), "main");
}
