#pragma once
// Devices tests talk to a SerialPort through a pseudo-terminal: the slave side is the "device" the
// port opens, the test plays the sensor on the master side (marking the port's fd FedFromOutside
// where it reads what the test sends). Every test ends with the hub empty and no fd left open, on
// the paused clock.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <pinfiber/core.hpp>
#include <pinfiber/io.hpp>
#include <string>
#include <system_error>
#include <utility>

#include "io/io_fixture.hpp"

class PtyTest : public IoTest {
 protected:
  void SetUp() override {
    IoTest::SetUp();
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(master_, 0) << "posix_openpt: " << std::strerror(errno);
    ASSERT_EQ(::grantpt(master_), 0);
    ASSERT_EQ(::unlockpt(master_), 0);
    char name[64];
    ASSERT_EQ(::ptsname_r(master_, name, sizeof name), 0);
    slave_path_ = name;
    // The sensor's side sends bytes as they are: no CR/LF translation, no echo of what it reads.
    termios t{};
    ASSERT_EQ(::tcgetattr(master_, &t), 0);
    ::cfmakeraw(&t);
    ASSERT_EQ(::tcsetattr(master_, TCSANOW, &t), 0);
  }
  void TearDown() override {
    close_master();
    IoTest::TearDown();
  }

  void close_master() {
    if (master_ >= 0) pinfiber::close(std::exchange(master_, -1));
  }

  // Writes all of `data` on the master side (the pty's buffer is large enough for any test frame).
  void send(const void* data, std::size_t n) {
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
      const ssize_t w = ::write(master_, p, n);
      if (w < 0 && errno == EAGAIN) {
        pinfiber::wait_writable(master_);
        continue;
      }
      ASSERT_GT(w, 0) << std::strerror(errno);
      p += w;
      n -= static_cast<std::size_t>(w);
    }
  }
  void send(const std::string& s) { send(s.data(), s.size()); }

  int master_ = -1;
  std::string slave_path_;
};
