// run_daemon, with the main demo as the daemon and the test as its service manager: READY=1, the
// STATUS updates, the watchdog's pets and STOPPING=1 on SIGTERM arrive on the test's notify socket in
// that order, and the demo exits 0 with the LED off; bad settings exit 2 with the reason on stderr.

#include <signal.h>

#include <fstream>

#include "daemon/daemon_fixture.hpp"
#include "example_programs.hpp"

using namespace std::chrono_literals;
using pinfiber_test::DatagramListener;

TEST_F(RealDaemonTest, TheDemoNotifiesReadyStatusPetsAndStoppingInOrder) {
  const std::string demo = pinfiber_test::example_path("button_led");
  if (demo.empty()) GTEST_SKIP() << "examples not built";
  DatagramListener manager("notify");
  pinfiber::Subprocess daemon(
      pinfiber_test::command(demo, {"--mock", "--forever", "--port", "0"}),
      {.env = pinfiber_test::environment_with({"NOTIFY_SOCKET=" + manager.path(), "WATCHDOG_USEC=2000000"}),
       .in = pinfiber::Stdio::null});
  auto err = pinfiber::spawn([&] { return daemon.read_all_err(120s); });
  auto out = pinfiber::spawn([&] { return daemon.read_all_out(120s); });
  pinfiber_test::KillOnExit reap({err, out});
  std::vector<std::string> got;
  auto next = [&] {
    got.push_back(manager.next(30s));
    return got.back();
  };
  const std::string ready = next();
  EXPECT_EQ(ready.rfind("READY=1\nSTATUS=status on tcp 127.0.0.1:", 0), 0u) << ready;
  // Real presses by the scripted finger, every 1.5 s, each a STATUS; pets every 1 s between. (The
  // first pet is due 1 s after run_daemon started: ample time for the demo, under qemu too, to open
  // its board and its port and say READY first.)
  int pets = 0;
  bool pressed = false;
  while (pets < 3 || !pressed) {
    const std::string m = next();
    ASSERT_FALSE(m.empty()) << "silence from the demo\n" << err.get();
    if (m == "WATCHDOG=1") ++pets;
    if (m == "STATUS=1 presses, LED on") pressed = true;
  }
  daemon.kill(SIGTERM);
  std::string m;
  while ((m = next()) == "WATCHDOG=1" || m.rfind("STATUS=", 0) == 0) {
  }
  EXPECT_EQ(m, "STOPPING=1\nSTATUS=stopping");
  const auto status = daemon.wait(60s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << status->to_string() << "\n" << err.get();
  EXPECT_NE(out.get().find("signal: stopping\nLED off, pins released, bye\n"), std::string::npos) << out.get();
  EXPECT_NE(err.get().find("button_led: notice: signal SIGTERM: stopping"), std::string::npos) << err.get();
  EXPECT_NE(err.get().find("watchdog: petting every 1s"), std::string::npos) << err.get();
}

TEST_F(RealDaemonTest, SettingsComeFromTheFileThenTheCommandLineAndBadOnesExit2) {
  const std::string demo = pinfiber_test::example_path("button_led");
  if (demo.empty()) GTEST_SKIP() << "examples not built";
  char dir[] = "/tmp/pinfiber-config-XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir));
  const std::string file = std::string(dir) + "/button_led.toml";
  std::ofstream(file) << "mock = true\nport = 70000\n";
  {
    pinfiber::Subprocess bad(pinfiber_test::command(demo, {"--paused-clock", "--config", file}),
                             {.in = pinfiber::Stdio::null});
    const std::string err = bad.read_all_err(60s);
    EXPECT_EQ(bad.wait(60s)->code, 2);
    EXPECT_NE(err.find("config " + file + ":2:8: port: expected an integer from 0 to 65535, got 70000"),
              std::string::npos)
        << err;
  }
  {
    // The command line wins over the file; [log] level = "warning" silences the info lines.
    std::ofstream(file) << "mock = true\nport = 1\n[log]\nlevel = \"warning\"\n";
    pinfiber::Subprocess good(pinfiber_test::command(demo, {"--paused-clock", "--config", file, "--port", "0"}),
                              {.in = pinfiber::Stdio::null});
    auto err = pinfiber::spawn([&] { return good.read_all_err(60s); });
    pinfiber_test::KillOnExit reap({err});
    const std::string out = good.read_all_out(60s);
    EXPECT_TRUE(good.wait(60s)->success()) << err.get();
    EXPECT_NE(out.find("status port says: presses=3 led=off"), std::string::npos) << out;
    EXPECT_NE(err.get().find("warning: SIMULATED GPIO"), std::string::npos) << err.get();
    EXPECT_EQ(err.get().find("info:"), std::string::npos) << err.get();
  }
  {
    pinfiber::Subprocess help(pinfiber_test::command(demo, {"--help"}), {.in = pinfiber::Stdio::null});
    const std::string out = help.read_all_out(60s);
    EXPECT_TRUE(help.wait(60s)->success());
    EXPECT_NE(out.find("--monitor-threshold"), std::string::npos) << out;
    EXPECT_NE(out.find("--port"), std::string::npos) << out;
  }
  ::unlink(file.c_str());
  ::rmdir(dir);
}
