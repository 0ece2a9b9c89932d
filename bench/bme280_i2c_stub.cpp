// BME280 readings per second through a real /dev/i2c-N (the kernel's i2c-stub in scripts/kernel-vm),
// pinfiber's Bme280 driver against an i2cget loop doing the same bus work - one 8-byte I2C block
// read of the data registers per reading - as a shell script polling the sensor would.
//
// The driver runs in normal mode, so a reading is the block read and the compensation, with no
// conversion time slept (a forced read waits 9.3 ms for the chip, whatever the bus). i2c-stub
// answers at memory speed, so this measures the software path: pinfiber's ioctl + compensation per
// reading against a process per reading. Figures only (qemu's TCG emulation in the VM).
//
//   bench/bme280_i2c_stub.sh          (runs this in the VM: bench_bme280_i2c_stub SECONDS I2CGET)

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "pinfiber/pinfiber.hpp"

extern char** environ;

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2;
  const char* i2cget = argc > 2 ? argv[2] : "/pinfiber-vm/bin/i2cget";
  const std::string path = pinfiber::bus::I2cDev::find("SMBus stub driver");
  if (path.empty()) {
    std::fprintf(stderr, "no i2c-stub adapter: run bench/bme280_i2c_stub.sh\n");
    return 2;
  }
  pinfiber::bus::I2cDev bus(path, {.timeout = std::chrono::seconds(5)});
  // A BME280's registers: id, calibration, a measurement at 21.5 degC / 1013.25 hPa / 40 %RH.
  pinfiber::bus::MockI2cBus scratch;
  pinfiber::devices::MockBme280 air(scratch, 0x76);
  air.set_conditions(21.5, 1013.25, 40.0);
  const auto raw = air.raw();
  std::array<std::uint8_t, pinfiber::devices::bme280_calib1_size> c1{};
  std::array<std::uint8_t, pinfiber::devices::bme280_calib2_size> c2{};
  air.calibration().encode(c1, c2);
  bus.write_byte_data(0x76, 0xd0, 0x60);
  bus.write_block(0x76, 0x88, c1);
  bus.write_block(0x76, 0xe1, c2);
  const std::uint8_t data[8] = {
      static_cast<std::uint8_t>(raw.pressure >> 12),        static_cast<std::uint8_t>(raw.pressure >> 4),
      static_cast<std::uint8_t>((raw.pressure & 0xf) << 4), static_cast<std::uint8_t>(raw.temperature >> 12),
      static_cast<std::uint8_t>(raw.temperature >> 4),      static_cast<std::uint8_t>((raw.temperature & 0xf) << 4),
      static_cast<std::uint8_t>(raw.humidity >> 8),         static_cast<std::uint8_t>(raw.humidity & 0xff)};
  pinfiber::devices::Bme280 bme(bus, 0x76, {.mode = pinfiber::devices::Bme280Mode::normal});
  bus.write_block(0x76, 0xf7, data);  // after the driver's reset: the stub keeps what it is given

  using Clock = std::chrono::steady_clock;
  const auto length = std::chrono::duration<double>(seconds);
  long n = 0;
  double t = 0;
  auto t0 = Clock::now();
  while (Clock::now() - t0 < length) {
    t += bme.read().temperature;
    ++n;
  }
  const double ours = n / std::chrono::duration<double>(Clock::now() - t0).count();

  const std::string bus_number = std::to_string(bus.number());
  const char* args[] = {i2cget, "-y", bus_number.c_str(), "0x76", "0xf7", "i", "8", nullptr};
  posix_spawn_file_actions_t quiet;  // its output is the same 8 bytes every time: not printed
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  long m = 0;
  t0 = Clock::now();
  while (Clock::now() - t0 < length) {
    pid_t pid;
    if (posix_spawn(&pid, i2cget, &quiet, nullptr, const_cast<char**>(args), environ) != 0) {
      std::perror("posix_spawn i2cget");
      return 2;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 2;
    ++m;
  }
  posix_spawn_file_actions_destroy(&quiet);
  const double theirs = m / std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("BME280 readings through %s (i2c-stub, in the VM), %.1f s each\n", path.c_str(), seconds);
  std::printf("pinfiber Bme280::read (normal mode: block read + compensation)  %9.0f /s  (%.2f degC)\n", ours,
              t / static_cast<double>(n));
  std::printf("i2cget -y %s 0x76 0xf7 i 8, one process per reading         %9.0f /s\n", bus_number.c_str(), theirs);
  std::printf("ratio: %.1fx\n", ours / theirs);
  return 0;
}
