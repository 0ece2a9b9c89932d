// A PMS5003 particle sensor on a serial port: read its 32-byte frames, print each good one, report
// and skip corrupt ones, and never lose a good frame to a bad one before it.
//
//   pms5003                        on a PC: a simulated sensor on a pty sends a scripted sequence of
//                                  good frames, corrupt ones and noise, then hangs up
//   pms5003 --device /dev/serial0  on a Pi: the real sensor (TX to GPIO 15/RXD) at 9600 8N1, forever
//
// The simulation's output is the same on every run: see pms5003.expected.

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <pinfiber/pinfiber.hpp>
#include <string>
#include <vector>

#include "paused_clock.hpp"

using namespace std::chrono_literals;
using pinfiber::devices::Pms5003Frame;
using pinfiber::devices::Pms5003Parser;
using pinfiber::devices::Pms5003Result;

namespace {

pinfiber::TimePoint start_time;

double seconds_since_start() { return std::chrono::duration<double>(pinfiber::Clock::now() - start_time).count(); }

// --- the reader: what runs on a Pi too -----------------------------------------------------------

void print_result(const Pms5003Result& r) {
  if (r.ok()) {
    const Pms5003Frame& f = r.frame;
    std::printf("%7.3f s  PM1.0 %3u  PM2.5 %3u  PM10 %3u ug/m3   >0.3um %5u  >2.5um %4u per 0.1 L\n",
                seconds_since_start(), unsigned{f.pm1_0_atmospheric}, unsigned{f.pm2_5_atmospheric},
                unsigned{f.pm10_atmospheric}, unsigned{f.particles_0_3um}, unsigned{f.particles_2_5um});
  } else {
    std::printf("%7.3f s  rejected frame at byte %llu: %s\n", seconds_since_start(),
                static_cast<unsigned long long>(r.offset), r.reason().c_str());
  }
}

// Reads until the device hangs up. A quiet sensor is reported and waited for, not an error: a
// PMS5003 sleeps when its SET pin is low, and its fan takes some seconds to start.
void read_frames(pinfiber::SerialPort& port, Pms5003Parser& parser) {
  std::uint8_t buf[64];
  for (;;) {
    std::size_t n = 0;
    try {
      n = port.read(buf, sizeof buf, 5s);
    } catch (const pinfiber::TimeoutError&) {
      std::printf("%7.3f s  no data for 5 s (sensor asleep, or its TX not on our RX?)\n", seconds_since_start());
      continue;
    }
    if (n == 0) return;  // hung up
    parser.feed(std::span<const std::uint8_t>(buf, n));
    for (Pms5003Result r; parser.next(r);) print_result(r);
  }
}

// --- the simulated sensor --------------------------------------------------------------------------

using Bytes = std::vector<std::uint8_t>;

Bytes frame(std::uint16_t pm1, std::uint16_t pm25, std::uint16_t pm10) {
  Pms5003Frame f;
  f.pm1_0_standard = pm1;
  f.pm2_5_standard = pm25;
  f.pm10_standard = pm10;
  f.pm1_0_atmospheric = pm1;
  f.pm2_5_atmospheric = pm25;
  f.pm10_atmospheric = pm10;
  f.particles_0_3um = static_cast<std::uint16_t>(150 * pm25 + 300);
  f.particles_0_5um = static_cast<std::uint16_t>(45 * pm25 + 90);
  f.particles_1_0um = static_cast<std::uint16_t>(8 * pm25);
  f.particles_2_5um = static_cast<std::uint16_t>(pm25 / 2);
  f.particles_5_0um = static_cast<std::uint16_t>(pm10 / 8);
  f.particles_10um = static_cast<std::uint16_t>(pm10 / 20);
  f.reserved = 0x9700;  // what real sensors send there
  const auto bytes = pinfiber::devices::encode_pms5003(f);
  return Bytes(bytes.begin(), bytes.end());
}

Bytes join(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct Step {
  Bytes bytes;
  pinfiber::Duration pause_after;
};

// A minute in the life of a sensor on a noisy line, one frame a second as a PMS5003 sends them.
std::vector<Step> script() {
  Bytes flipped = frame(14, 21, 25);
  flipped[7] ^= 0x04;  // a bit flipped on the wire: the check code catches it
  Bytes cut = frame(90, 99, 99);
  cut.resize(20);  // the sensor reset mid-frame; the next frame starts inside this one's 32 bytes
  Bytes bad_length = frame(1, 2, 3);
  bad_length[3] = 0x1d;
  const Bytes split = frame(15, 22, 27);
  return {
      {frame(12, 18, 21), 1s},
      {join({{0x00, 0xff, 0x4d, 0x42, 0x13}, frame(13, 19, 23)}), 1s},  // noise before a frame
      {flipped, 1s},
      {frame(14, 21, 26), 1s},
      {join({cut, frame(16, 24, 30)}), 1s},
      {join({bad_length, frame(16, 25, 31)}), 1s},
      {Bytes(split.begin(), split.begin() + 11), 1s},  // one frame in two writes
      {Bytes(split.begin() + 11, split.end()), 7s},    // then the sensor falls silent for a while
      {frame(11, 16, 19), 1s},
      {join({frame(10, 15, 18), frame(10, 14, 17)}), 1s},  // back to back
  };
}

void write_all(int fd, const Bytes& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      pinfiber::wait_writable(fd);
    } else if (n < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "simulated sensor: write to the pty");
    }
  }
}

void simulate_sensor(int master) {
  for (const Step& step : script()) {
    write_all(master, step.bytes);
    pinfiber::sleep(step.pause_after);
  }
  pinfiber::close(master);  // the reader sees a hang-up: the end of the show
}

// The master side of a new pty, raw, and the path of its slave: the "device" the reader opens.
int open_pty(std::string& slave_path) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  char name[64];
  termios t{};
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0 || ::ptsname_r(master, name, sizeof name) != 0 ||
      ::tcgetattr(master, &t) != 0) {
    throw std::system_error(errno, std::generic_category(), "open a pseudo-terminal");
  }
  ::cfmakeraw(&t);
  if (::tcsetattr(master, TCSANOW, &t) != 0) throw std::system_error(errno, std::generic_category(), "raw pty");
  slave_path = name;
  return master;
}

}  // namespace

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  std::string device;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
      device = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--device /dev/serial0]\n", argv[0]);
      return 2;
    }
  }
  start_time = pinfiber::Clock::now();
  Pms5003Parser parser;
  try {
    if (!device.empty()) {
      pinfiber::SerialPort port(device, {.baud = 9600});  // the PMS5003 speaks 9600 8N1 only
      port.flush_input();                                 // half a frame from before we started is of no use
      std::printf("reading PMS5003 frames from %s\n", device.c_str());
      read_frames(port, parser);
      std::fprintf(stderr, "%s hung up\n", device.c_str());
      return 1;
    }
    std::string slave_path;
    const int master = open_pty(slave_path);
    pinfiber::SerialPort port(slave_path, {.baud = 9600});
    // A pty moves bytes to the other side in a kernel work item, which may not have run yet when the
    // hub next looks; on the paused clock (--paused-clock) it would then jump ahead as if the line
    // were silent. Marked fed from outside, the port's fd is asked for them first. (A real sensor
    // needs none of this: its bytes arrive when they arrive.)
    pinfiber::FedFromOutside fed(port.fd());
    std::printf("reading PMS5003 frames from a simulated sensor\n");
    auto sensor = pinfiber::spawn([&] { simulate_sensor(master); });
    read_frames(port, parser);
    sensor.get();
    std::printf("the simulated sensor hung up\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pms5003: %s\n", e.what());
    return 1;
  }
  std::printf("good %llu, corrupt %llu, skipped %llu bytes of noise\n",
              static_cast<unsigned long long>(parser.good_frames()),
              static_cast<unsigned long long>(parser.rejected_frames()),
              static_cast<unsigned long long>(parser.skipped_bytes()));
}
