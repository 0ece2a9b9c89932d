// PWM: the software PWM's edges, exact on the paused clock against a mock GPIO line (where each edge
// falls, what a change of duty cycle or period does, no wake-ups while the level is steady, the line
// left low and free), and the sysfs PWM class against a fake /sys/class/pwm tree in a temp dir (the
// attribute writes in the kernel's order, the export handshake, errors naming the file).

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pinfiber/bus.hpp>
#include <pinfiber/core.hpp>
#include <pinfiber/testing.hpp>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using pinfiber::bus::BusError;
using pinfiber::bus::SoftPwm;
using pinfiber::bus::SysfsPwm;
namespace fs = std::filesystem;

namespace {

class SoftPwmTest : public pinfiber::testing::GpioTest {
 protected:
  // The pin's changes as (time since the test began, level).
  std::vector<std::pair<pinfiber::Duration, bool>> changes(unsigned bcm) {
    std::vector<std::pair<pinfiber::Duration, bool>> out;
    for (const auto& c : pin(bcm).history()) out.emplace_back(at(c), c.level);
    return out;
  }
};

using Changes = std::vector<std::pair<pinfiber::Duration, bool>>;

}  // namespace

TEST_F(SoftPwmTest, EdgesFallWhereTheDutyCycleAndPeriodSay) {
  SoftPwm pwm(18, 100);
  EXPECT_EQ(pwm.period(), 10ms);
  EXPECT_EQ(pwm.name(), "software PWM on line 18 on gpiochip0");
  pin(18).clear_history();
  pwm.set_duty_cycle(0.25);
  pinfiber::sleep(30ms);
  // The greenlet was asleep at a steady 0: the first period starts when it runs, at once. (The
  // edge due at 30 ms comes after this greenlet's wake-up, armed first for the same instant.)
  EXPECT_EQ(changes(18),
            (Changes{{0ms, true}, {2500us, false}, {10ms, true}, {12500us, false}, {20ms, true}, {22500us, false}}));
  EXPECT_EQ(pwm.skipped_periods(), 0u);
}

TEST_F(SoftPwmTest, ANewDutyCycleOrPeriodTakesEffectAtTheNextPeriod) {
  SoftPwm pwm(18, 1000);
  pwm.set_duty_cycle(0.5);
  pinfiber::sleep(1200us);  // in the second period's high half
  pin(18).clear_history();
  pwm.set_duty_cycle(0.1);
  pwm.set_period(2ms);
  pinfiber::sleep(4800us);
  EXPECT_EQ(changes(18), (Changes{{1500us, false}, {2ms, true}, {2200us, false}, {4ms, true}, {4200us, false}}));
}

TEST_F(SoftPwmTest, ASteadyLevelCostsNoTimerAndNoWakeUp) {
  SoftPwm pwm(18, 100);
  pwm.set_duty_cycle(1);
  pinfiber::sleep(0);
  EXPECT_TRUE(pin(18).level());
  EXPECT_EQ(pinfiber::hub().pending_timers(), 0u);  // the greenlet waits for a change, not a timer
  pin(18).clear_history();
  pinfiber::sleep(1s);
  EXPECT_TRUE(pin(18).history().empty());
  pwm.set_duty_cycle(0);
  pinfiber::sleep(0);
  EXPECT_FALSE(pin(18).level());
  EXPECT_EQ(pinfiber::hub().pending_timers(), 0u);
}

TEST_F(SoftPwmTest, DestroyingItLeavesTheLineLowAndFree) {
  {
    SoftPwm pwm(18, 100);
    pwm.set_duty_cycle(1);
    pinfiber::sleep(5ms);
    EXPECT_TRUE(pin(18).level());
    EXPECT_TRUE(pin(18).requested());
  }
  EXPECT_FALSE(pin(18).level());
  EXPECT_FALSE(pin(18).requested());
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u);
}

TEST_F(SoftPwmTest, AHubHeldUpForPeriodsSkipsThemInsteadOfBursting) {
  SoftPwm pwm(18, 1000);
  pwm.set_duty_cycle(0.5);
  pinfiber::sleep(100us);
  // The PWM greenlet holds the line high until 500 us; the clock jumps 3.7 ms past that edge's
  // deadline before it runs (as a greenlet that never yields would delay it).
  pinfiber::hub().advance_clock(4100us);
  pin(18).clear_history();
  pinfiber::sleep(2ms);
  // The late falling edge, then periods from there: no run of short pulses making up for 3 ms.
  EXPECT_EQ(changes(18), (Changes{{4200us, false}, {4200us, true}, {4700us, false}, {5200us, true}, {5700us, false}}));
  EXPECT_EQ(pwm.skipped_periods(), 3u);
}

TEST_F(SoftPwmTest, ValuesOutOfRangeAreRefusedByName) {
  SoftPwm pwm(18, 100);
  try {
    pwm.set_duty_cycle(1.5);
    FAIL() << "no error";
  } catch (const pinfiber::Error& e) {
    EXPECT_EQ(e.code().value(), EINVAL);
    EXPECT_NE(std::string(e.what()).find("software PWM on line 18 on gpiochip0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pwm.set_frequency(0), pinfiber::Error);
  EXPECT_THROW(pwm.set_period(-1ms), pinfiber::Error);
  EXPECT_THROW(SoftPwm(17, -5), pinfiber::Error);
  EXPECT_FALSE(pin(17).requested());
}

namespace {

// A fake /sys/class/pwm: pwmchip0 with export/unexport/npwm, as the kernel lays it out.
class SysfsPwmTest : public pinfiber::testing::HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    char tmpl[] = "/tmp/pinfiber-pwm-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "pwmchip0");
    write(root_ / "pwmchip0/export", "");
    write(root_ / "pwmchip0/unexport", "");
    write(root_ / "pwmchip0/npwm", "2\n");
  }
  void TearDown() override {
    fs::remove_all(root_);
    HubTest::TearDown();
  }
  static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void make_channel(unsigned n) {
    const fs::path d = root_ / "pwmchip0" / ("pwm" + std::to_string(n));
    fs::create_directories(d);
    for (const char* a : {"period", "duty_cycle", "enable", "polarity"}) write(d / a, "0");
  }
  pinfiber::bus::SysfsPwmOptions options() const { return {.sysfs = root_.string()}; }
  fs::path root_;
};

}  // namespace

TEST_F(SysfsPwmTest, AnExportedChannelIsSetUpAndDrivenThroughItsAttributes) {
  make_channel(1);
  {
    SysfsPwm pwm(0, 1, options());
    EXPECT_EQ(pwm.name(), "pwmchip0/pwm1");
    EXPECT_EQ(read(root_ / "pwmchip0/export"), "");  // exported already: left as it was
    EXPECT_EQ(read(root_ / "pwmchip0/pwm1/period"), "10000000");
    EXPECT_EQ(read(root_ / "pwmchip0/pwm1/enable"), "1");
    pwm.set_duty_cycle(0.075);
    pwm.set_frequency(50);
    EXPECT_EQ(read(root_ / "pwmchip0/pwm1/period"), "20000000");
    EXPECT_EQ(read(root_ / "pwmchip0/pwm1/duty_cycle"), "1500000");  // the fraction kept
    pwm.set_period(1ms);
    EXPECT_EQ(read(root_ / "pwmchip0/pwm1/duty_cycle"), "75000");
    EXPECT_DOUBLE_EQ(pwm.frequency(), 1000);
  }
  EXPECT_EQ(read(root_ / "pwmchip0/pwm1/duty_cycle"), "0");
  EXPECT_EQ(read(root_ / "pwmchip0/pwm1/enable"), "0");
  EXPECT_EQ(read(root_ / "pwmchip0/unexport"), "");  // not ours to unexport
}

TEST_F(SysfsPwmTest, ExportingWaitsOnTheHubForTheChannelToAppear) {
  // The "kernel" makes pwm0/ 3 ms after the export, as udev's permission change would take.
  auto kernel = pinfiber::spawn([&] {
    pinfiber::sleep(3ms);
    make_channel(0);
  });
  const auto t0 = elapsed();
  {
    SysfsPwm pwm(0, 0, options());
    EXPECT_EQ(read(root_ / "pwmchip0/export"), "0");
    EXPECT_EQ(elapsed() - t0, 3ms);
  }
  EXPECT_EQ(read(root_ / "pwmchip0/unexport"), "0");
  kernel.join();
}

TEST_F(SysfsPwmTest, AChannelThatNeverAppearsIsATimeoutError) {
  auto o = options();
  o.export_timeout = 50ms;
  EXPECT_THROW(SysfsPwm(0, 0, o), pinfiber::TimeoutError);
  EXPECT_EQ(elapsed(), 50ms);
}

TEST_F(SysfsPwmTest, AMissingChipSaysHowToEnableIt) {
  try {
    SysfsPwm pwm(3, 0, options());
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_EQ(std::string(e.what()), "open PWM chip " + (root_ / "pwmchip3").string() +
                                         ": No such file or directory (enable it: dtoverlay=pwm-2chan in config.txt)");
  }
}

TEST_F(SysfsPwmTest, AWriteTheKernelRefusesNamesTheFileAndValue) {
  make_channel(0);
  SysfsPwm pwm(0, 0, options());
  fs::remove(root_ / "pwmchip0/pwm0/period");
  fs::create_directory(root_ / "pwmchip0/pwm0/period");  // writes now fail with EISDIR
  try {
    pwm.set_period(20ms);
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EISDIR);
    EXPECT_NE(std::string(e.what()).find("write 20000000 to " + (root_ / "pwmchip0/pwm0/period").string()),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(pwm.period(), 10ms);  // unchanged
}
