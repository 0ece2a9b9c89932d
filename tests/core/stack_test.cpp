// Stacks: per-spawn sizes, 100,000 parked greenlets within the default vm.max_map_count, and an
// overflow that names its greenlet instead of corrupting memory.

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class Stacks : public HubTest {};

namespace {
std::size_t mapping_count() {
  std::ifstream maps("/proc/self/maps");
  std::size_t n = 0;
  for (std::string line; std::getline(maps, line);) ++n;
  return n;
}

// Recursion the optimiser cannot flatten: each frame keeps a live buffer.
int deep(int n) {
  volatile char buf[512];
  buf[0] = static_cast<char>(n);
  if (n == 0) return buf[0];
  return deep(n - 1) + (buf[0] == static_cast<char>(n) ? 0 : 1);
}
}  // namespace

TEST_F(Stacks, HundredThousandParkedGreenletsFitTheDefaultMapCount) {
  // 100,000 stacks of 64 KiB need 6.4 GiB of address space: a 32-bit process (a Pi Zero W) has 3.
  constexpr int kCount = sizeof(void*) == 4 ? 20'000 : 100'000;
  std::vector<pinfiber::Greenlet<void>> gs;
  gs.reserve(kCount);
  int woke = 0;
  for (int i = 0; i < kCount; ++i) {
    gs.push_back(spawn([&woke] {
      pinfiber::sleep(1s);
      ++woke;
    }));
  }
  pinfiber::sleep(0);  // every one of them has started and parked now
  EXPECT_EQ(pinfiber::hub().greenlet_count(), static_cast<std::size_t>(kCount));
  EXPECT_LT(mapping_count(), 65530u / 2);
  pinfiber::joinall(gs);
  EXPECT_EQ(woke, kCount);
}

TEST_F(Stacks, PerSpawnStackSizeAllowsDeepRecursion) {
  auto g = pinfiber::spawn_with({.name = "deep", .stack_size = 4 << 20}, [] { return deep(2000); });
  EXPECT_EQ(g.get(), 0);
}

TEST_F(Stacks, AFinishedGreenletsStackIsReusedByTheNext) {
  auto frame = [] { return reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)); };
  auto first = spawn(frame);
  const auto a = first.get();
  auto second = spawn(frame);
  const auto b = second.get();
  EXPECT_EQ(a, b);  // the same pooled stack, so the same frame address
}

using StacksDeathTest = Stacks;

TEST_F(StacksDeathTest, OverflowNamesTheGreenlet) {
  EXPECT_DEATH(
      {
        auto g = pinfiber::spawn_with({.name = "bottomless", .stack_size = 64 * 1024}, [] { return deep(1 << 20); });
        g.join();
      },
      "stack overflow in greenlet 'bottomless'");
}
