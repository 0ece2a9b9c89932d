#pragma once
// Every sync test starts on a paused clock and ends with the hub empty: no greenlet left behind.

#include <gtest/gtest.h>

#include <pinfiber/core.hpp>
#include <pinfiber/sync.hpp>

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pinfiber::hub().pause_clock();
    start_ = pinfiber::Clock::now();
  }
  void TearDown() override {
    EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u) << "a test left greenlets behind";
    pinfiber::hub().set_exception_handler({});
  }
  // Time elapsed on the hub's clock since the test began.
  pinfiber::Duration elapsed() const { return pinfiber::Clock::now() - start_; }
  // Silences the default report of greenlets failing on purpose; counts them.
  void expect_failures() {
    pinfiber::hub().set_exception_handler([this](const std::string&, std::exception_ptr) { ++failures_; });
  }

  pinfiber::TimePoint start_;
  int failures_ = 0;
};
