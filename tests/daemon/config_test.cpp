// Config: defaults, then the TOML file, then the command line; each kind of setting from both
// sources; and errors that say where - file, line, column, key - for unknown keys, wrong types,
// values out of range and TOML syntax (the position is the value's).

#include <fstream>

#include "daemon/daemon_fixture.hpp"

using namespace std::chrono_literals;

namespace {

struct Settings {
  bool mock = false;
  std::uint16_t port = 8080;
  std::string broker = "localhost";
  double ratio = 0.5;
  pinfiber::Duration period = 1s;
  int retries = 3;
};

struct Declared {
  Settings s;
  pinfiber::Config config{"prog", "a test program"};
  Declared() {
    config.add("mock", s.mock, "simulated board");
    config.add("port", s.port, "status port");
    config.add("mqtt.broker", s.broker, "broker host");
    config.add("ratio", s.ratio, "a ratio");
    config.add("sensor.period", s.period, "time between samples");
    config.add("sensor.retries", s.retries, "attempts");
  }
  bool load(std::vector<const char*> args) {
    args.insert(args.begin(), "prog");
    return config.load(static_cast<int>(args.size()), args.data());
  }
};

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const pinfiber::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_F(DaemonTest, DefaultsStandUntilTheFileOrTheCommandLineSaysOtherwise) {
  Declared d;
  ASSERT_TRUE(d.load({}));
  EXPECT_EQ(d.s.port, 8080);
  EXPECT_EQ(d.s.period, 1s);
  EXPECT_EQ(d.config.file(), "");
  d.config.load_toml(
      "mock = true\nport = 9000\nratio = 2\n[mqtt]\nbroker = \"pi.local\"\n"
      "[sensor]\nperiod = \"250ms\"\nretries = -1\n",
      "test.toml");
  EXPECT_TRUE(d.s.mock);
  EXPECT_EQ(d.s.port, 9000);
  EXPECT_EQ(d.s.ratio, 2.0);
  EXPECT_EQ(d.s.broker, "pi.local");
  EXPECT_EQ(d.s.period, 250ms);
  EXPECT_EQ(d.s.retries, -1);
  d.config.load_toml("sensor.period = 1.5", "dotted.toml");  // a number of seconds; a dotted key
  EXPECT_EQ(d.s.period, 1500ms);
}

TEST_F(DaemonTest, TheCommandLineWinsOverTheFile) {
  char dir[] = "/tmp/pinfiber-config-XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir));
  const std::string file = std::string(dir) + "/prog.toml";
  std::ofstream(file) << "port = 9000\nmock = true\n[sensor]\nperiod = \"2min\"\n";
  Declared d;
  d.config.set_default_file(file);
  ASSERT_TRUE(d.load({"--port=9100", "--no-mock", "--mqtt-broker", "10.0.0.2", "--sensor-retries", "7"}));
  EXPECT_EQ(d.config.file(), file);
  EXPECT_EQ(d.s.port, 9100);
  EXPECT_FALSE(d.s.mock);
  EXPECT_EQ(d.s.broker, "10.0.0.2");
  EXPECT_EQ(d.s.period, 2min);  // from the file
  EXPECT_EQ(d.s.retries, 7);
  ::unlink(file.c_str());
  ::rmdir(dir);
  Declared missing;
  EXPECT_EQ(error_of([&] {
              missing.load({"--config", file.c_str()});
            }),
            "read config " + file + ": No such file or directory");
}

TEST_F(DaemonTest, ErrorsSayWhereAndWhat) {
  Declared d;
  EXPECT_EQ(error_of([&] { d.config.load_toml("port = 8080\nprot = 1\n", "f.toml"); }),
            "f.toml:2:8: unknown setting 'prot' (settings: mock, port, mqtt.broker, ratio, sensor.period, "
            "sensor.retries)");
  EXPECT_EQ(error_of([&] { d.config.load_toml("port = 70000", "f.toml"); }),
            "f.toml:1:8: port: expected an integer from 0 to 65535, got 70000");
  EXPECT_EQ(error_of([&] { d.config.load_toml("port = \"80\"", "f.toml"); }),
            "f.toml:1:8: port: expected an integer, got another type");
  EXPECT_EQ(error_of([&] { d.config.load_toml("[sensor]\nperiod = \"soon\"", "f.toml"); }),
            "f.toml:2:10: sensor.period: 'soon' is not a duration (250ms, 1.5s, 2min, 1h, or seconds)");
  EXPECT_NE(error_of([&] { d.config.load_toml("port = = 3", "f.toml"); }).rfind("f.toml:1:", 0), std::string::npos);
  EXPECT_EQ(error_of([&] { d.load({"--port", "http"}); }), "--port: expected an integer from 0 to 65535, got 'http'");
  EXPECT_EQ(error_of([&] {
              d.load({"--sensor-period", "3 days"});
            }),
            "--sensor-period: '3 days': unknown unit ' days' (ns, us, ms, s, min, h)");
  EXPECT_NE(error_of([&] { d.load({"--bogus"}); }).find("--bogus"), std::string::npos);
  EXPECT_THROW(d.config.add("port", d.s.port, "again"), pinfiber::Error);
}

TEST_F(DaemonTest, HelpListsEverySettingWithItsDefault) {
  Declared d;
  const std::string help = d.config.help();
  EXPECT_NE(help.find("a test program"), std::string::npos) << help;
  EXPECT_NE(help.find("--sensor-period DURATION"), std::string::npos) << help;
  EXPECT_NE(help.find("time between samples [1s]"), std::string::npos) << help;
  EXPECT_NE(help.find("--mqtt-broker TEXT"), std::string::npos) << help;
  testing::internal::CaptureStdout();
  EXPECT_FALSE(d.load({"--help"}));
  EXPECT_EQ(testing::internal::GetCapturedStdout(), help);
  EXPECT_EQ(pinfiber::parse_duration("1h"), std::chrono::hours(1));
  EXPECT_EQ(pinfiber::parse_duration("0.5"), 500ms);
  EXPECT_EQ(pinfiber::parse_duration("20us"), std::chrono::microseconds(20));
}
