// DS18B20 through a fake /sys/bus/w1/devices tree in a temp dir, with w1_slave files as the kernel's
// w1_therm writes them: temperatures (negative ones too), both CRC checks, the power-on 85 degC,
// finding the one sensor, errors naming it. The reads go through the thread pool as on a Pi.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <pinfiber/bus.hpp>
#include <pinfiber/bytes.hpp>
#include <pinfiber/core.hpp>
#include <pinfiber/devices.hpp>
#include <pinfiber/testing.hpp>
#include <string>

using namespace std::chrono_literals;
using pinfiber::bus::BusError;
using pinfiber::devices::Ds18b20;
namespace fs = std::filesystem;

namespace {

class Ds18b20Test : public pinfiber::testing::HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    char tmpl[] = "/tmp/pinfiber-w1-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "w1_bus_master1");
  }
  void TearDown() override {
    fs::remove_all(root_);
    HubTest::TearDown();
  }
  // What w1_therm writes for a scratchpad holding `raw` (1/16 degC): its nine bytes with the CRC
  // (or a wrong one), the kernel's verdict, and t= in millidegrees.
  void sensor(const std::string& id, std::int16_t raw, bool good_crc = true, const char* verdict = "YES") {
    std::uint8_t pad[9] = {static_cast<std::uint8_t>(raw & 0xff),
                           static_cast<std::uint8_t>((raw >> 8) & 0xff),
                           0x4b,
                           0x46,
                           0x7f,
                           0xff,
                           0x0c,
                           0x10,
                           0};
    pad[8] = pinfiber::crc8_maxim(std::span<const std::uint8_t>(pad, 8));
    if (!good_crc) pad[8] ^= 0x55;
    std::string bytes;
    char b[4];
    for (std::uint8_t x : pad) std::snprintf(b, sizeof b, "%02x ", x), bytes += b;
    fs::create_directories(root_ / id);
    std::snprintf(b, sizeof b, "%02x", pad[8]);
    std::ofstream(root_ / id / "w1_slave") << bytes << ": crc=" << b << " " << verdict << "\n"
                                           << bytes << "t=" << raw * 1000 / 16 << "\n";
  }
  pinfiber::devices::Ds18b20Options options() const { return {.sysfs = root_.string()}; }
  fs::path root_;
};

}  // namespace

TEST_F(Ds18b20Test, ReadsTheOnlySensorOnTheBus) {
  sensor("28-0316a2795bff", 0x0172);  // 23.125 degC: the example of w1_therm's documentation
  Ds18b20 probe("", options());
  EXPECT_EQ(probe.id(), "28-0316a2795bff");
  EXPECT_DOUBLE_EQ(probe.temperature(), 23.125);
  // -25.0625 degC (datasheet Table 1), which t= truncates to -25062 millidegrees: read from the bytes.
  sensor("28-0316a2795bff", static_cast<std::int16_t>(0xfe6f));
  EXPECT_DOUBLE_EQ(probe.temperature(), -25.0625);
}

TEST_F(Ds18b20Test, CrcErrorsAreCaughtByTheKernelOrByTheDriver) {
  sensor("28-000000000001", 0x0191, true, "NO");
  Ds18b20 probe("28-000000000001", options());
  try {
    probe.temperature();
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EIO);
    EXPECT_NE(std::string(e.what()).find("read DS18B20 28-000000000001: the kernel found a CRC error"),
              std::string::npos)
        << e.what();
  }
  sensor("28-000000000001", 0x0191, false, "YES");  // a verdict that lies: the driver checks itself
  EXPECT_THROW(probe.temperature(), BusError);
  sensor("28-000000000001", 0x0191);
  EXPECT_DOUBLE_EQ(probe.temperature(), 25.0625);
}

TEST_F(Ds18b20Test, ThePowerOnValueIsReadAgainThenRefused) {
  sensor("28-000000000002", 0x0550);  // 85 degC
  Ds18b20 probe("28-000000000002", options());
  try {
    probe.temperature();
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_NE(std::string(e.what()).find("85.000 degC twice, the power-on value"), std::string::npos) << e.what();
  }
  auto o = options();
  o.accept_85 = true;
  EXPECT_DOUBLE_EQ(Ds18b20("28-000000000002", o).temperature(), 85.0);
}

TEST_F(Ds18b20Test, FindingASensorNamesWhatIsThere) {
  EXPECT_THROW(Ds18b20("", options()), BusError);
  sensor("28-00000000000a", 0x10);
  sensor("28-00000000000b", 0x10);
  sensor("10-00000000000c", 0x10);  // a DS18S20: another family
  try {
    Ds18b20 probe("", options());
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EEXIST);
    EXPECT_NE(std::string(e.what()).find("there are 2 (28-00000000000a, 28-00000000000b)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(pinfiber::bus::W1Bus(root_.string()).devices(),
            (std::vector<std::string>{"10-00000000000c", "28-00000000000a", "28-00000000000b"}));
}

TEST_F(Ds18b20Test, AVanishedSensorAndAMissingMasterAreNamed) {
  Ds18b20 probe("28-00000000000d", options());
  try {
    probe.temperature();
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("28-00000000000d/w1_slave"), std::string::npos) << e.what();
  }
  try {
    pinfiber::bus::W1Bus((root_ / "none").string()).devices();
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_NE(std::string(e.what()).find("dtoverlay=w1-gpio"), std::string::npos) << e.what();
  }
}

TEST_F(Ds18b20Test, GarbageIsAProtocolError) {
  fs::create_directories(root_ / "28-00000000000e");
  std::ofstream(root_ / "28-00000000000e/w1_slave") << "hello\n";
  try {
    Ds18b20("28-00000000000e", options()).temperature();
    FAIL() << "no error";
  } catch (const BusError& e) {
    EXPECT_EQ(e.code().value(), EPROTO);
  }
}
