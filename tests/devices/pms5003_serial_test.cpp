// End to end: a simulated PMS5003 on the master side of a pty, a reader on a SerialPort at the
// slave side. Every good frame arrives, every corrupt one is reported, none is lost to noise.

#include <cstdint>
#include <pinfiber/devices.hpp>
#include <vector>

#include "devices/pty_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::devices::encode_pms5003;
using pinfiber::devices::Pms5003Frame;
using pinfiber::devices::Pms5003Parser;
using pinfiber::devices::Pms5003Result;
using pinfiber::devices::Pms5003Status;

namespace {
using Bytes = std::vector<std::uint8_t>;

Pms5003Frame reading(std::uint16_t n) {
  Pms5003Frame f;
  f.pm2_5_atmospheric = n;
  f.pm10_atmospheric = static_cast<std::uint16_t>(n + 3);
  f.particles_0_3um = static_cast<std::uint16_t>(n * 37);
  return f;
}

Bytes bytes_of(const Pms5003Frame& f) {
  const auto a = encode_pms5003(f);
  return Bytes(a.begin(), a.end());
}
}  // namespace

using Pms5003SerialTest = PtyTest;

TEST_F(Pms5003SerialTest, EveryGoodFrameArrivesEveryCorruptOneIsReported) {
  pinfiber::SerialPort port(slave_path_, {.baud = 9600});
  pinfiber::FedFromOutside fed(port.fd());  // the test plays the sensor on the pty's other end
  constexpr int frames = 60;
  int corrupt_sent = 0;

  auto sensor = pinfiber::spawn([&] {
    for (std::uint16_t i = 0; i < frames; ++i) {
      Bytes out;
      switch (i % 5) {
        case 1:  // noise before the frame
          out = {0x42, 0x00, 0x4d, static_cast<std::uint8_t>(i)};
          break;
        case 2: {  // a corrupt frame, then the good one
          Bytes bad = bytes_of(reading(999));
          bad[5 + i % 20] ^= 0x80;
          out = bad;
          ++corrupt_sent;
          break;
        }
        case 3: {  // a frame cut short that the good one starts inside of
          out = bytes_of(reading(998));
          out.resize(4 + i % 25);
          ++corrupt_sent;
          break;
        }
        default: break;
      }
      // push_back, not insert: GCC 12 at -O3 for armel warns of a false overflow in the insert.
      for (std::uint8_t b : bytes_of(reading(i))) out.push_back(b);
      // Sent in two writes at an odd boundary, as a UART's FIFO would hand it over.
      const std::size_t cut = out.size() / 3;
      send(out.data(), cut);
      pinfiber::sleep(10ms);
      send(out.data() + cut, out.size() - cut);
      pinfiber::sleep(1s);
    }
    close_master();
  });

  std::vector<Pms5003Frame> good;
  std::vector<Pms5003Result> rejected;
  auto reader = pinfiber::spawn([&] {
    Pms5003Parser parser;
    std::uint8_t buf[40];
    for (;;) {
      const std::size_t n = port.read(buf, sizeof buf, 5s);
      if (n == 0) return;
      parser.feed(std::span<const std::uint8_t>(buf, n));
      for (Pms5003Result r; parser.next(r);) {
        if (r.ok()) {
          good.push_back(r.frame);
        } else {
          rejected.push_back(r);
        }
      }
    }
  });

  reader.get();
  sensor.get();
  ASSERT_EQ(good.size(), static_cast<std::size_t>(frames));
  for (std::uint16_t i = 0; i < frames; ++i) EXPECT_EQ(good[i], reading(i)) << "frame " << i;
  EXPECT_EQ(rejected.size(), static_cast<std::size_t>(corrupt_sent));
  for (const Pms5003Result& r : rejected) EXPECT_EQ(r.status, Pms5003Status::bad_checksum) << r.reason();
  EXPECT_EQ(elapsed(), frames * (1s + 10ms));
}
