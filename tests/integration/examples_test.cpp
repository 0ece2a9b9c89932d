// The network examples, run as programs (found beside this test in <build>/examples/) against real
// peers on loopback: resolve (story 2) against a dnsmasq the test starts, and echo.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "example_programs.hpp"
#include "io/io_fixture.hpp"

extern char** environ;

using namespace std::chrono_literals;

namespace {

using pinfiber_test::example_path;

// A child process whose stdout we read through a pipe; killed and reaped by the destructor.
struct Child {
  pid_t pid = -1;
  int out = -1;
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    out = fds[0];
  }
  // Everything the child writes until it exits (blocking: the child's life is short).
  std::string read_all() const {
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
    return s;
  }
  std::string read_line() const {
    std::string s;
    char c;
    while (::read(out, &c, 1) == 1 && c != '\n') s += c;
    return s;
  }
  int wait() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return status;
  }
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (out >= 0) ::close(out);
  }
};

std::uint16_t free_udp_port() {
  auto s = pinfiber::Socket::udp();
  s.bind(pinfiber::Address::loopback(AF_INET, 0));
  return s.local_address().port();
}

}  // namespace

class ExamplesTest : public RealIoTest {};

TEST_F(ExamplesTest, ResolveNamesConcurrentlyAgainstDnsmasq) {
  const std::string resolve = example_path("resolve");
  if (resolve.empty()) GTEST_SKIP() << "examples not built";
  if (::access("/usr/sbin/dnsmasq", X_OK) != 0) GTEST_SKIP() << "dnsmasq missing (scripts/test installs it)";
  const std::string port = std::to_string(free_udp_port());
  Child dns({"/usr/sbin/dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
             "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--user=root", "--pid-file=",
             "--address=/one.test/10.1.0.1", "--address=/two.test/10.1.0.2", "--address=/three.test/10.1.0.3"});
  ASSERT_GT(dns.pid, 0);
  // Ready once it answers.
  pinfiber::Resolver probe({.servers = {"127.0.0.1:" + port}, .try_timeout = 100ms, .tries = 1});
  bool up = false;
  for (int i = 0; i < 50 && !up; ++i) {
    try {
      up = !probe.resolve("one.test", 0, AF_INET).empty();
    } catch (const std::exception&) {
      pinfiber::sleep(100ms);
    }
  }
  ASSERT_TRUE(up) << "dnsmasq did not come up";
  Child run(pinfiber_test::command(
      resolve, {"--server", "127.0.0.1:" + port, "one.test", "two.test", "localhost", "three.test"}));
  EXPECT_EQ(run.read_all(), "one.test: 10.1.0.1\ntwo.test: 10.1.0.2\nlocalhost: 127.0.0.1\nthree.test: 10.1.0.3\n");
  EXPECT_EQ(run.wait(), 0);
}

TEST_F(ExamplesTest, EchoServesAndExitsCleanlyOnSigterm) {
  const std::string echo = example_path("echo");
  if (echo.empty()) GTEST_SKIP() << "examples not built";
  Child server(pinfiber_test::command(echo, {"0"}));
  ASSERT_GT(server.pid, 0);
  const std::string banner = server.read_line();  // "listening on 127.0.0.1:PORT"
  ASSERT_EQ(banner.rfind("listening on 127.0.0.1:", 0), 0u) << banner;
  const auto port = static_cast<std::uint16_t>(std::stoi(banner.substr(banner.rfind(':') + 1)));
  auto c = pinfiber::Socket::tcp();
  c.set_timeout(5s);
  c.connect(pinfiber::Address::loopback(AF_INET, port));
  c.send_all("hello echo");
  std::string back(10, '\0');
  c.recv_exact(back.data(), back.size());
  EXPECT_EQ(back, "hello echo");
  ::kill(server.pid, SIGTERM);
  const int status = server.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(ExamplesTest, EchoExitsCleanlyThroughASigtermStorm) {
  // A supervisor that repeats SIGTERM as fast as it can, from before the shutdown until the process
  // is gone: every repeat must be ignored, through the handlers' removal and main's return, and the
  // exit is still the clean one (not 143, the default action's).
  const std::string echo = example_path("echo");
  if (echo.empty()) GTEST_SKIP() << "examples not built";
  Child server(pinfiber_test::command(echo, {"0"}));
  ASSERT_GT(server.pid, 0);
  ASSERT_EQ(server.read_line().rfind("listening on", 0), 0u);
  int sent = 0;
  for (;;) {
    ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
    ++sent;
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(server.pid), &info, WEXITED | WNOHANG | WNOWAIT), 0);
    if (info.si_pid == server.pid) break;  // it has exited; the status is still to be reaped
    ASSERT_LT(sent, 10'000'000) << "echo still runs after " << sent << " SIGTERMs";
  }
  const int status = server.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "status " << status << " after " << sent << " SIGTERMs"
      << (WIFSIGNALED(status) ? ", killed by signal " + std::to_string(WTERMSIG(status)) : std::string());
}

// A typo must not start a server: `echo --help` once listened on a random port and `echo 70000` on
// 4464 (70000 cut to 16 bits). Each argument is understood or refused with the usage text.
TEST_F(ExamplesTest, ArgumentsAreUnderstoodOrRefusedWithTheUsage) {
  const std::string echo = example_path("echo");
  if (echo.empty()) GTEST_SKIP() << "examples not built";
  // stderr joins stdout (through the shell), so the test reads what a user would see.
  auto run = [&](const std::string& args) {
    std::string line;
    for (const auto& word : pinfiber_test::command(echo)) line += "'" + word + "' ";
    Child child({"/bin/sh", "-c", line + args + " 2>&1"});
    const std::string out = child.read_all();
    const int status = child.wait();
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
  };
  auto [help_status, help] = run("--help");
  EXPECT_EQ(help_status, 0);
  EXPECT_EQ(help, "usage: " + echo + " [port]   (default 7000; 0: any free port)\n");
  for (const std::string bad : {"70000", "-1", "12x", "''", "0 0", "--port 7000"}) {
    auto [status, out] = run(bad);
    EXPECT_EQ(status, 2) << bad;
    EXPECT_EQ(out.find("listening"), std::string::npos) << bad << ": " << out;
    EXPECT_NE(out.find("usage: "), std::string::npos) << bad << ": " << out;
  }
  EXPECT_EQ(run("70000").second.rfind(echo + ": port: '70000' is not a whole number in 0..65535\n", 0), 0u);
}
