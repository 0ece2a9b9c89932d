#pragma once
// Every io test ends as it began: no greenlet, timer, watch or fd left. Tests whose I/O comes from
// the hub itself run on the paused clock; those with a peer the hub cannot know about (another
// thread or process) mark its fds with FedFromOutside, or use the real clock.

#include <gtest/gtest.h>

#include <pinfiber/core.hpp>
#include <pinfiber/io.hpp>
#include <pinfiber/testing.hpp>

namespace pinfiber_test {
using pinfiber::testing::open_fd_count;
}  // namespace pinfiber_test

class IoTest : public pinfiber::testing::HubTest {};

/// The same with the real clock, for tests whose peer is another thread or process.
class RealIoTest : public IoTest {
 protected:
  void SetUp() override {
    IoTest::SetUp();
    use_real_clock();
  }
};
