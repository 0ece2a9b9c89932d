#pragma once
// Every io test ends as it began: no greenlet left on the hub and no fd left open. Tests whose I/O
// comes from the hub itself run on the paused clock; those with a real peer resume it, because a
// paused hub with nothing ready jumps straight to the next deadline instead of waiting for the peer.

#include <dirent.h>
#include <gtest/gtest.h>

#include <pinfiber/core.hpp>
#include <pinfiber/io.hpp>

namespace pinfiber_test {

/// Open fds of this process (the directory stream's own fd not counted).
inline int open_fd_count() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n - 1;
}

}  // namespace pinfiber_test

class IoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pinfiber::hub().pause_clock();
    start_ = pinfiber::Clock::now();
    fds_at_start_ = pinfiber_test::open_fd_count();
  }
  void TearDown() override {
    EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u) << "a test left greenlets behind";
    EXPECT_EQ(pinfiber_test::open_fd_count(), fds_at_start_) << "a test leaked file descriptors";
    pinfiber::hub().set_exception_handler({});
    pinfiber::hub().pause_clock();
  }
  pinfiber::Duration elapsed() const { return pinfiber::Clock::now() - start_; }

  pinfiber::TimePoint start_;
  int fds_at_start_ = 0;
};

/// The same with the real clock, for tests whose peer is another thread or process.
class RealIoTest : public IoTest {
 protected:
  void SetUp() override {
    IoTest::SetUp();
    pinfiber::hub().resume_clock();
  }
};
