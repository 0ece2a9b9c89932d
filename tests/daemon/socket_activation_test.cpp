// Socket activation, with the main demo as the daemon: a listening socket the test opens and passes
// as systemd does (fd 3, LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES, through `bash -c ... exec` so the pid is
// the daemon's), and the same through systemd's own systemd-socket-activate. The demo's StreamServer
// must take the passed socket - the test's connection, queued on it before the demo even ran, gets
// the demo's status line - and must not bind one of its own.

#include <fcntl.h>

#include "daemon/daemon_fixture.hpp"
#include "example_programs.hpp"

using namespace std::chrono_literals;

namespace {

// A status line read from a connection the demo accepts.
std::string status_from(pinfiber::Socket& c) {
  c.set_timeout(30s);
  std::string reply;
  char buf[128];
  try {
    while (std::size_t n = c.recv(buf, sizeof buf)) reply.append(buf, n);
  } catch (const pinfiber::Error& e) {
    reply += e.what();
  }
  return reply;
}

}  // namespace

TEST_F(RealDaemonTest, TheDemoTakesTheListeningSocketItIsPassed) {
  const std::string demo = pinfiber_test::example_path("button_led");
  if (demo.empty()) GTEST_SKIP() << "examples not built";
  pinfiber::Socket listener(AF_INET, SOCK_STREAM);
  listener.bind(pinfiber::Address::parse("127.0.0.1", 0));
  listener.listen();
  const std::uint16_t port = listener.local_address().port();
  // Queued in the backlog before the daemon exists, as the connection that starts a socket-activated
  // service is.
  auto client = pinfiber::Socket::tcp();
  client.connect(pinfiber::Address::parse("127.0.0.1", port), 5s);
  // An inheritable copy above the test's own fds; the shell moves it to 3 and execs the demo.
  const int passed = ::fcntl(listener.fd(), F_DUPFD, 100);
  ASSERT_GE(passed, 100);
  std::vector<std::string> argv = {"bash", "-c",
                                   "exec 3<&" + std::to_string(passed) + " " + std::to_string(passed) +
                                       "<&-; LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=status exec \"$@\"",
                                   "bash"};
  for (auto& w : pinfiber_test::command(demo, {"--paused-clock", "--mock", "--port", std::to_string(port)})) {
    argv.push_back(w);
  }
  pinfiber::Subprocess daemon(argv, {.in = pinfiber::Stdio::null});
  ::close(passed);
  listener.close();  // only the daemon holds the socket now
  auto err = pinfiber::spawn([&] { return daemon.read_all_err(60s); });
  auto out = pinfiber::spawn([&] { return daemon.read_all_out(60s); });
  pinfiber_test::KillOnExit reap({err, out});
  EXPECT_EQ(status_from(client), "presses=0 led=off\n");
  const auto status = daemon.wait(60s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << status->to_string() << "\n" << err.get();
  EXPECT_NE(err.get().find("StreamServer for 127.0.0.1:" + std::to_string(port) +
                           ": listening socket 127.0.0.1:" + std::to_string(port) + " passed by the supervisor"),
            std::string::npos)
      << err.get();
  EXPECT_NE(out.get().find("LED off, pins released, bye"), std::string::npos) << out.get();
}

TEST_F(RealDaemonTest, SystemdSocketActivateStartsTheDemoOnTheFirstConnection) {
  const std::string demo = pinfiber_test::example_path("button_led");
  if (demo.empty()) GTEST_SKIP() << "examples not built";
  if (::access("/usr/bin/systemd-socket-activate", X_OK) != 0) GTEST_SKIP() << "no systemd-socket-activate";
  // A port that was free a moment ago (systemd-socket-activate wants a number).
  std::uint16_t port;
  {
    pinfiber::Socket probe(AF_INET, SOCK_STREAM);
    probe.bind(pinfiber::Address::parse("127.0.0.1", 0));
    port = probe.local_address().port();
  }
  const std::string where = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> argv = {"systemd-socket-activate", "-l", where, "--fdname=status"};
  for (auto& w : pinfiber_test::command(demo, {"--paused-clock", "--mock", "--port", std::to_string(port)})) {
    argv.push_back(w);
  }
  pinfiber::Subprocess activator(argv, {.in = pinfiber::Stdio::null});
  auto err = pinfiber::spawn([&] { return activator.read_all_err(60s); });
  pinfiber_test::KillOnExit reap({err});
  // It listens before it starts anything: retry the connection until it does.
  pinfiber::Socket client;
  for (int attempt = 0; attempt < 300 && !client; ++attempt) {
    try {
      client = pinfiber::Socket::tcp();
      client.connect(pinfiber::Address::parse("127.0.0.1", port), 5s);
    } catch (const pinfiber::Error&) {
      client = {};
      pinfiber::sleep(100ms);
    }
  }
  ASSERT_TRUE(client) << "systemd-socket-activate never listened on " << where;
  EXPECT_EQ(status_from(client), "presses=0 led=off\n");
  // The demo (exec'd by systemd-socket-activate or by a child of it) ends by itself: --mock without
  // --forever. The activator itself is stopped here.
  activator.kill(SIGTERM);
  activator.wait(30s);
  EXPECT_NE(err.get().find("listening socket " + where + " passed by the supervisor"), std::string::npos) << err.get();
}
