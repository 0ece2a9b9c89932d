// A weather station: a BME280 (temperature, pressure, humidity, on I2C) and a PMS5003 (particulate
// matter, on a serial port), one reading every N seconds, printed and served on a TCP status port
// (connect, read the latest reading as one line).
//
//   weather_station --mock         simulated sensors: a MockBme280 on the mock I2C bus and a PMS5003
//                                  on a pty sending a frame a second; three readings, the status port
//                                  asked once, then it exits
//   weather_station [--i2c /dev/i2c-1] [--pms /dev/serial0] [--interval 60] [--port 8080]
//                                  on a Pi, until SIGINT/SIGTERM
//   ... --http PORT                also serves GET / (the latest reading as text) and GET /api/state
//                                  (as JSON) where pinfiber::http was built
//   ... --mqtt host[:port]         also publishes each reading to MQTT (where pinfiber::mqtt was
//                                  built), the way Home Assistant and Node-RED read a sensor:
//                                  weather_station/state  {"temperature": 19.50, ...} (retained)
//                                  weather_station/status online / offline (retained; the last will)
//
// The simulation's output is the same on every run (--paused-clock): see weather_station.expected.

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <pinfiber/pinfiber.hpp>
#include <string>

#include "command_line.hpp"
#include "paused_clock.hpp"
#if PINFIBER_HAVE_MQTT
#include "pinfiber/mqtt.hpp"
#endif
#if PINFIBER_HAVE_HTTP
#include "pinfiber/http.hpp"
#endif

using namespace std::chrono_literals;
namespace dev = pinfiber::devices;

namespace {

pinfiber::TimePoint start_time;

void say(const std::string& line) {
  std::printf("%6.2f s  %s\n", std::chrono::duration<double>(pinfiber::Clock::now() - start_time).count(),
              line.c_str());
  std::fflush(stdout);
}

// The latest PMS5003 frame, kept by a reader greenlet (the sensor sends one a second by itself).
struct Particles {
  std::optional<dev::Pms5003Frame> latest;
  std::uint64_t rejected = 0;
};

void read_particles(pinfiber::SerialPort& port, Particles& out) {
  dev::Pms5003Parser parser;
  std::uint8_t buf[64];
  for (;;) {
    std::size_t n = 0;
    try {
      n = port.read(buf, sizeof buf, 10s);
    } catch (const pinfiber::TimeoutError&) {
      out.latest.reset();  // a stale reading is worse than none
      continue;
    }
    if (n == 0) return;
    parser.feed(std::span<const std::uint8_t>(buf, n));
    for (dev::Pms5003Result r; parser.next(r);) {
      if (r.ok())
        out.latest = r.frame;
      else
        ++out.rejected;
    }
  }
}

std::string reading_line(const dev::Bme280Reading& r, const Particles& p) {
  char buf[160];
  int n = std::snprintf(buf, sizeof buf, "T %.2f C  P %.2f hPa  RH %.1f %%", r.temperature, r.pressure, r.humidity);
  if (p.latest)
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "  PM1 %u PM2.5 %u PM10 %u ug/m3",
                  unsigned{p.latest->pm1_0_atmospheric}, unsigned{p.latest->pm2_5_atmospheric},
                  unsigned{p.latest->pm10_atmospheric});
  else
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "  PM -");
  return buf;
}

// The reading as the JSON object Home Assistant's MQTT sensors take apart with value_template.
std::string reading_json(const dev::Bme280Reading& r, const Particles& p) {
  char buf[200];
  int n = std::snprintf(buf, sizeof buf, R"({"temperature": %.2f, "pressure": %.2f, "humidity": %.1f)", r.temperature,
                        r.pressure, r.humidity);
  if (p.latest)
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), R"(, "pm1_0": %u, "pm2_5": %u, "pm10": %u)",
                       unsigned{p.latest->pm1_0_atmospheric}, unsigned{p.latest->pm2_5_atmospheric},
                       unsigned{p.latest->pm10_atmospheric});
  std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "}");
  return buf;
}

// --- the simulation --------------------------------------------------------------------------------

int open_pty(std::string& slave_path) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  char name[64];
  termios t{};
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0 || ::ptsname_r(master, name, sizeof name) != 0 ||
      ::tcgetattr(master, &t) != 0)
    throw std::system_error(errno, std::generic_category(), "open a pseudo-terminal");
  ::cfmakeraw(&t);
  if (::tcsetattr(master, TCSANOW, &t) != 0) throw std::system_error(errno, std::generic_category(), "raw pty");
  slave_path = name;
  return master;
}

// A PMS5003 in a slowly dirtier room: a frame a second, PM2.5 rising by one each.
void simulate_pms(int master) {
  for (std::uint16_t k = 0;; ++k) {
    dev::Pms5003Frame f;
    f.pm1_0_atmospheric = static_cast<std::uint16_t>(5 + k / 2);
    f.pm2_5_atmospheric = static_cast<std::uint16_t>(8 + k);
    f.pm10_atmospheric = static_cast<std::uint16_t>(11 + k);
    const auto bytes = dev::encode_pms5003(f);
    pinfiber::wait_writable(master, 1s);
    if (::write(master, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()))
      throw std::system_error(errno, std::generic_category(), "simulated PMS5003: write");
    pinfiber::sleep(1s);
  }
}

std::string ask_status(std::uint16_t port) {
  auto s = pinfiber::Socket::tcp();
  s.connect(pinfiber::Address::parse("127.0.0.1", port), 2s);
  std::string reply;
  char buf[256];
  while (std::size_t n = s.recv(buf, sizeof buf, 2s)) reply.append(buf, n);
  while (!reply.empty() && reply.back() == '\n') reply.pop_back();
  return reply;
}

}  // namespace

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  example::CommandLine cli(argc, argv,
                           "[--mock [--forever]] [--i2c DEV] [--pms TTY] [--interval SECONDS] [--port N] "
                           "[--http PORT] [--mqtt HOST[:PORT]]");
  const bool mock = cli.flag("--mock");
  const bool forever = cli.flag("--forever");
  const std::string i2c = cli.option("--i2c", "/dev/i2c-1");
  const std::string pms = cli.option("--pms", "");
  const std::string interval_text = cli.option("--interval", mock ? "5" : "60");
  const auto port = static_cast<std::uint16_t>(cli.number_option("--port", 0, 0, 65535));
  const long long http_port = cli.number_option("--http", -1, 0, 65535);
  const std::string broker = cli.option("--mqtt", "");
  cli.done();
  double interval = 0;
  const auto [end_of_number, ec] =
      std::from_chars(interval_text.data(), interval_text.data() + interval_text.size(), interval);
  if (ec != std::errc() || end_of_number != interval_text.data() + interval_text.size() || !(interval > 0))
    cli.fail("--interval: '" + interval_text + "' is not a positive number of seconds");
#if !PINFIBER_HAVE_MQTT
  if (!broker.empty()) cli.fail("--mqtt: built without MQTT (pinfiber::mqtt needs libmosquitto-dev)");
#endif
#if !PINFIBER_HAVE_HTTP
  if (http_port >= 0) cli.fail("--http: built without the HTTP server (pinfiber::http)");
#endif
  start_time = pinfiber::Clock::now();
  try {
    // The BME280: the kernel's bus on a Pi, the simulated chip on the mock bus otherwise.
    std::unique_ptr<pinfiber::bus::I2cBus> bus;
    std::optional<dev::MockBme280> air;
    if (mock) {
      auto m = std::make_unique<pinfiber::bus::MockI2cBus>();
      air.emplace(*m, 0x76);
      air->set_conditions(19.5, 1008.0, 52.0);
      bus = std::move(m);
    } else {
      bus = std::make_unique<pinfiber::bus::I2cDev>(i2c);
    }
    dev::Bme280 bme(*bus, 0x76);

    // The PMS5003: its serial port, or a pty fed by the simulation.
    Particles particles;
    std::optional<pinfiber::SerialPort> serial;
    std::optional<pinfiber::FedFromOutside> fed;
    int master = -1;
    if (mock) {
      std::string slave;
      master = open_pty(slave);
      serial.emplace(slave, pinfiber::SerialSettings{.baud = 9600});
      // The pty's bytes cross in a kernel work item: on the paused clock, ask the fd before jumping.
      fed.emplace(serial->fd());
    } else if (!pms.empty()) {
      serial.emplace(pms, pinfiber::SerialSettings{.baud = 9600});  // the PMS5003 speaks 9600 8N1 only
      serial->flush_input();
    }
    pinfiber::GreenletBase pms_reader, pms_sim;
    if (serial) pms_reader = pinfiber::spawn([&] { read_particles(*serial, particles); });
    if (mock) pms_sim = pinfiber::spawn([&] { simulate_pms(master); });

    std::string latest = "no reading yet";
    pinfiber::StreamServer status(pinfiber::Address::parse("127.0.0.1", port),
                                  [&](pinfiber::Socket& c, const pinfiber::Address&) { c.send_all(latest + "\n"); });
    status.start();
    std::fprintf(stderr, "weather_station: status on tcp %s\n", status.address().to_string().c_str());
#if PINFIBER_HAVE_HTTP
    std::string latest_json = "{}";
    std::optional<pinfiber::http::Server> web;
    if (http_port >= 0) {
      web.emplace(pinfiber::Address::parse("0.0.0.0", static_cast<std::uint16_t>(http_port)));
      web->get("/",
               [&](const pinfiber::http::Request&, pinfiber::http::ResponseWriter& res) { res.send(latest + "\n"); });
      web->get("/api/state", [&](const pinfiber::http::Request&, pinfiber::http::ResponseWriter& res) {
        res.send(latest_json, "application/json");
      });
      web->start();
      std::fprintf(stderr, "weather_station: http on %s\n", web->address().to_string().c_str());
    }
#endif
    say(std::string("weather station: BME280 at 0x76 on ") + bus->name() + ", PMS5003 on " +
        (mock ? "a simulated sensor" : (pms.empty() ? "nothing" : pms)));

#if PINFIBER_HAVE_MQTT
    std::optional<pinfiber::mqtt::Client> mqtt;
    if (!broker.empty()) {
      const auto colon = broker.rfind(':');
      const std::string host = colon == std::string::npos ? broker : broker.substr(0, colon);
      const auto mqtt_port =
          static_cast<std::uint16_t>(colon == std::string::npos ? 1883 : std::atoi(broker.c_str() + colon + 1));
      mqtt.emplace(
          host, mqtt_port,
          pinfiber::mqtt::ClientOptions{.client_id = "weather_station",
                                        .will = pinfiber::mqtt::Will{"weather_station/status", "offline", 1, true}});
      mqtt->connect(10s);
      mqtt->publish("weather_station/status", "online", 1, true, 10s);
      std::fprintf(stderr, "weather_station: mqtt: connected to %s\n", mqtt->broker().c_str());
    }
#endif

    pinfiber::SignalHandler on_int(SIGINT, pinfiber::shutdown);
    pinfiber::SignalHandler on_term(SIGTERM, pinfiber::shutdown);
    try {
      for (int n = 1; !mock || forever || n <= 3; ++n) {
        pinfiber::sleep(interval);
        try {
          const auto reading = bme.read(1s);
          latest = reading_line(reading, particles);
          say(latest);
#if PINFIBER_HAVE_HTTP
          latest_json = reading_json(reading, particles);
#endif
#if PINFIBER_HAVE_MQTT
          // One reading a minute: publishing in line, until the broker's PUBACK (5 s at most; a
          // broker away meanwhile gets it after the client's reconnection), costs nothing.
          if (mqtt) mqtt->publish("weather_station/state", reading_json(reading, particles), 1, true, 5s);
#endif
        } catch (const pinfiber::Error& e) {
          say(std::string("reading: ") + e.what());  // a loose wire is reported, and tried again next time
        }
        if (mock) air->set_conditions(19.5 + 0.25 * n, 1008.0 - 0.5 * n, 52.0 + n);
      }
      if (mock && !forever) say("status port says: " + ask_status(status.address().port()));
    } catch (const pinfiber::GreenletExit&) {
      say("signal: stopping");
    }
#if PINFIBER_HAVE_MQTT
    if (mqtt) {
      try {
        mqtt->publish("weather_station/status", "offline", 1, true, 5s);
        mqtt->disconnect(5s);
      } catch (const pinfiber::Error& e) {
        std::fprintf(stderr, "weather_station: mqtt: %s\n", e.what());
      }
    }
#endif
    if (pms_sim) pms_sim.kill();
    if (pms_reader) pms_reader.kill();
    fed.reset();
    serial.reset();
    if (master >= 0) pinfiber::close(master);
    status.stop(1s);
#if PINFIBER_HAVE_HTTP
    if (web) web->stop(1s);
#endif
    say("bye");
  } catch (const pinfiber::Error& e) {
    std::fprintf(stderr, "weather_station: %s\n", e.what());
    return 1;
  }
  return 0;
}
