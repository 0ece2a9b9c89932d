// Stacks: per-spawn sizes, 100,000 parked greenlets within the default vm.max_map_count, and an
// overflow that names its greenlet instead of corrupting memory.

#include <sys/resource.h>
#include <unistd.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

namespace {
// Frames of 20 KiB, five times the guard page: four of them need 80 KiB of a 64 KiB stack. Without
// stack-clash probes the fourth frame jumps the guard and lands in the neighbouring greenlet's stack -
// silently: the program goes on, the neighbour's memory overwritten (seen before the probes were
// made a usage requirement).
int wide(int n) {
  volatile char buf[20 * 1024];
  buf[0] = static_cast<char>(n);
  buf[sizeof buf - 1] = 0;
  if (n == 0) return buf[0];
  return wide(n - 1) + (buf[0] == static_cast<char>(n) ? 0 : 1);
}
}  // namespace

TEST_F(StacksDeathTest, AFrameLargerThanTheGuardStillFaultsThereAndIsNamed) {
  EXPECT_DEATH(
      {
        // A neighbour below in the same slab, whose stack a jumping frame would land in.
        auto neighbour =
            pinfiber::spawn_with({.name = "neighbour", .stack_size = 64 * 1024}, [] { pinfiber::sleep(1h); });
        auto g = pinfiber::spawn_with({.name = "wide", .stack_size = 64 * 1024}, [] { return wide(3); });
        g.join();
      },
      "stack overflow in greenlet 'wide'");
}

// Out of address space for a stack: spawn() itself fails with a clear error, in the spawning greenlet;
// the greenlets already running run on, and the process lives.
TEST_F(StacksDeathTest, NoStackLeftIsAnErrorFromSpawnAndTheOthersRunOn) {
#if defined(PINFIBER_ASAN)
  GTEST_SKIP() << "ASan reserves terabytes of shadow address space: an RLIMIT_AS cannot be set under it";
#endif
  {
    // qemu-user, which runs the Pi builds' tests, accepts RLIMIT_AS and ignores it: the child would
    // exhaust the emulator's whole guest space instead of the limit this test sets.
    rlimit before{}, probe{}, after{};
    ::getrlimit(RLIMIT_AS, &before);
    probe = before;
    probe.rlim_cur = static_cast<rlim_t>(3) << 30;
    ::setrlimit(RLIMIT_AS, &probe);
    ::getrlimit(RLIMIT_AS, &after);
    ::setrlimit(RLIMIT_AS, &before);
    if (after.rlim_cur != probe.rlim_cur) GTEST_SKIP() << "RLIMIT_AS is not honoured here (an emulator)";
  }
  EXPECT_EXIT(
      {
        rlimit limit{};
        ::getrlimit(RLIMIT_AS, &limit);
        std::ifstream status("/proc/self/status");
        std::size_t vm_kib = 0;
        for (std::string key; status >> key;) {
          if (key == "VmSize:") {
            status >> vm_kib;
            break;
          }
        }
        limit.rlim_cur = (vm_kib + 64 * 1024) * 1024;  // 64 MiB more than now: about a thousand stacks
        ::setrlimit(RLIMIT_AS, &limit);
        std::vector<pinfiber::Greenlet<void>> gs;
        int woke = 0;
        std::string error;
        try {
          for (;;) {
            gs.push_back(spawn([&woke] {
              pinfiber::sleep(1s);
              ++woke;
            }));
          }
        } catch (const pinfiber::Error& e) {
          error = e.what();
        }
        pinfiber::joinall(gs);
        const bool ok = woke == static_cast<int>(gs.size()) && gs.size() > 100 &&
                        // the stacks run out, or (a 32-bit process under qemu) the heap first
                        (error.find("spawn a greenlet: allocate greenlet stacks") == 0 ||
                         error.find("spawn a greenlet: allocate its state") == 0) &&
                        error.find("Cannot allocate memory") != std::string::npos;
        std::fprintf(stderr, "%zu greenlets ran; spawn said: %s\n", gs.size(), error.c_str());
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "greenlets ran; spawn said: spawn a greenlet: allocate ");
}

namespace {
long resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}
}  // namespace

// Finished greenlets' stacks beyond the hot set give their pages back when the hub next sleeps.
TEST_F(Stacks, IdleHubGivesColdStacksPagesBack) {
#ifdef RUNNING_ON_VALGRIND
  if (RUNNING_ON_VALGRIND) GTEST_SKIP() << "under valgrind the process's resident size is valgrind's, not the stacks'";
#endif
  constexpr int kCount = 1000;
  std::vector<pinfiber::Greenlet<void>> gs;
  for (int i = 0; i < kCount; ++i) {
    gs.push_back(pinfiber::spawn_with({.stack_size = 64 * 1024}, [] {
      volatile char touched[32 * 1024];
      for (std::size_t j = 0; j < sizeof touched; j += 512) touched[j] = 1;
      pinfiber::sleep(0);
    }));
  }
  pinfiber::joinall(gs);
  const long finished = resident_kib();
  pinfiber::hub().resume_clock();
  pinfiber::sleep(1ms);  // the hub sleeps in epoll_wait, trimming first
  const long trimmed = resident_kib();
  EXPECT_GT(finished - trimmed, 20 * 1024) << "finished: " << finished << " KiB, after trim: " << trimmed << " KiB";
}
