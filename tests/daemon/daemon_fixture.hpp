#pragma once
// What the daemon tests share: a Unix datagram socket standing in for systemd's notify socket or
// journald's, bound at a fresh path, and the environment variables that point a daemon at it.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <pinfiber/core.hpp>
#include <pinfiber/daemon.hpp>
#include <pinfiber/io.hpp>
#include <pinfiber/sync.hpp>
#include <pinfiber/testing.hpp>
#include <string>
#include <vector>

namespace pinfiber_test {

/// A bound datagram socket at a fresh path under /tmp, removed with it.
class DatagramListener {
 public:
  explicit DatagramListener(const std::string& tag) {
    char dir[] = "/tmp/pinfiber-daemon-XXXXXX";
    if (!::mkdtemp(dir)) throw pinfiber::Error(errno, "mkdtemp");
    dir_ = dir;
    path_ = dir_ + "/" + tag;
    socket_ = pinfiber::Socket(AF_UNIX, SOCK_DGRAM);
    socket_.bind(pinfiber::Address::unix_path(path_));
  }
  ~DatagramListener() {
    socket_.close();
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }
  pinfiber::Socket& socket() { return socket_; }

  /// The next datagram, waiting up to `timeout`; "" on timeout.
  std::string next(pinfiber::TimeSpan timeout) {
    char buf[4096];
    try {
      const std::size_t n = socket_.recvfrom(buf, sizeof buf, nullptr, timeout);
      return std::string(buf, n);
    } catch (const pinfiber::TimeoutError&) {
      return {};
    }
  }
  /// The next datagram if one is queued now, never waiting; "" if none.
  std::string queued() {
    char buf[4096];
    const ssize_t n = ::recv(socket_.fd(), buf, sizeof buf, MSG_DONTWAIT);
    return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  std::string dir_;
  std::string path_;
  pinfiber::Socket socket_;
};

/// Sets an environment variable for the length of a scope (the previous value comes back).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

/// The environment of this process plus `extra` ("NAME=value"), for a Subprocess.
inline std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string kv(*e);
    bool replaced = false;
    for (const auto& x : extra) replaced |= kv.compare(0, x.find('=') + 1, x, 0, x.find('=') + 1) == 0;
    if (!replaced) env.push_back(kv);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

/// Kills the greenlets it holds when the scope ends: readers of a Subprocess's pipes, declared after
/// it, so that they end before it does even when an assertion leaves the test early (a reader still
/// parked on a pipe of a destroyed Subprocess would wake to an fd object that is gone).
class KillOnExit {
 public:
  explicit KillOnExit(std::vector<pinfiber::GreenletBase> greenlets) : greenlets_(std::move(greenlets)) {}
  ~KillOnExit() {
    for (auto& g : greenlets_) g.kill();
  }
  KillOnExit(const KillOnExit&) = delete;
  KillOnExit& operator=(const KillOnExit&) = delete;

 private:
  std::vector<pinfiber::GreenletBase> greenlets_;
};

}  // namespace pinfiber_test

class DaemonTest : public pinfiber::testing::HubTest {};

/// For tests whose peer is another process, or that measure real time (the watchdog).
class RealDaemonTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    use_real_clock();
  }
};
