#pragma once
// The fixture of the real-kernel GPIO tests (they run inside scripts/kernel-vm's VM): the chip
// labelled like a Pi Zero W's, "pinctrl-bcm2835", opened through the libgpiod backend, and its
// gpio-sim far side (SimChip) to drive inputs and read outputs.
//
// The clock is the real one: edges come from the kernel, not from a paused hub. So waits that must
// succeed are bounded generously (kEventDue) and the assertions are about what happened - which
// events, in which order, with which timestamps relative to the writes that caused them - never
// about how long it took.

#include <dirent.h>
#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>

#include "kernel_backend.hpp"
#include "pinfiber/core.hpp"
#include "pinfiber/gpio.hpp"
#include "sim_chip.hpp"

namespace pinfiber::gpio::testing {

using namespace std::chrono_literals;

/// How long a wait for an edge the test caused may take before the test fails: long enough for a
/// loaded machine emulating the VM without KVM; a passing test never waits that long.
inline constexpr Duration kEventDue = 5s;
/// How long a wait lasts that must end with nothing (no event was caused).
inline constexpr Duration kQuiet = 100ms;

/// CLOCK_MONOTONIC now, in ns: the clock the kernel stamps edge events with.
inline std::int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline int open_fd_count() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++n;
    closedir(d);
  }
  return n;
}

class KernelGpioTest : public ::testing::Test {
 protected:
  static constexpr const char* kLabel = "pinctrl-bcm2835";

  void SetUp() override {
    pinfiber::hub();  // the hub's own fds exist before counting
    fds_before_ = open_fd_count();
    // Outside the VM (a PC, a real Pi) there is no gpio-sim chip to drive: skip, saying how to run.
    // Inside it (PINFIBER_KERNEL_VM, set by its /init) a missing chip is a failure.
    try {
      chip_.emplace(kLabel, backend_);
      sim_.emplace(chip_->name());
    } catch (const std::exception& e) {
      chip_.reset();
      if (std::getenv("PINFIBER_KERNEL_VM")) throw;
      GTEST_SKIP() << "no gpio-sim chip labelled " << kLabel << " (" << e.what()
                   << "); run through scripts/kernel-vm (ctest --preset kernel)";
    }
    // Every test starts from the BCM2835's reset state of the header lines (0-8 pulled up, the rest
    // down), whatever the previous test's requests left in the simulator.
    const Board& b = boards::raspberry_pi_zero_w();
    for (unsigned bcm = 0; bcm < b.default_pulls.size(); ++bcm) sim_->drive(bcm, b.default_pull(bcm) == Bias::pull_up);
  }
  void TearDown() override {
    chip_.reset();
    EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u) << "a greenlet outlived the test";
    EXPECT_EQ(open_fd_count(), fds_before_) << "an fd leaked";
  }

  Chip& chip() { return *chip_; }
  SimChip& sim() { return *sim_; }
  KernelBackend& backend() { return backend_; }

  KernelBackend backend_;
  std::optional<Chip> chip_;
  std::optional<SimChip> sim_;
  int fds_before_ = 0;
};

}  // namespace pinfiber::gpio::testing
