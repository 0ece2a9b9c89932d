// A parking sensor: an HC-SR04 measures the distance to the car, a PWM LED grows brighter as it comes
// nearer, and a buzzer beeps faster and faster, then sounds continuously when it is time to stop.
//
//   parking_sensor --mock      the mock Raspberry Pi Zero W: a simulated HC-SR04 sees a scripted car
//                              drive in, stop, and leave; the program then exits
//   parking_sensor             on a Pi: trigger BCM 23, echo BCM 24 (through a divider: the module's
//                              echo is 5 V), LED BCM 18, active buzzer BCM 22; until SIGINT/SIGTERM
//
// The simulation's output is the same on every run (--paused-clock): see parking_sensor.expected.

#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <pinfiber/pinfiber.hpp>
#include <string>

#include "command_line.hpp"
#include "paused_clock.hpp"

using namespace std::chrono_literals;
namespace gpio = pinfiber::gpio;
namespace dev = pinfiber::devices;

namespace {

constexpr unsigned kTrigger = 23, kEcho = 24, kLed = 18, kBuzzer = 22;
constexpr double kRange = 1.0;  // m: the LED is dark beyond, full at 0

pinfiber::TimePoint start_time;

void say(const std::string& line) {
  std::printf("%6.2f s  %s\n", std::chrono::duration<double>(pinfiber::Clock::now() - start_time).count(),
              line.c_str());
  std::fflush(stdout);
}

// How urgent it is: the buzzer's pattern for each zone.
enum class Zone { clear, near, close, stop };
const char* name(Zone z) {
  switch (z) {
    case Zone::clear: return "clear, buzzer off";
    case Zone::near: return "near, slow beeps";
    case Zone::close: return "close, fast beeps";
    case Zone::stop: return "STOP, buzzer on";
  }
  return "";
}
Zone zone_of(double metres) {
  if (metres < 0.10) return Zone::stop;
  if (metres < 0.20) return Zone::close;
  if (metres < 0.50) return Zone::near;
  return Zone::clear;
}

// The car of the simulation: drives in over 6 s, stops 5 cm short, waits, backs out.
void drive_car(dev::MockHcSr04& hc) {
  for (double d : {1.50, 1.20, 0.90, 0.70, 0.45, 0.30, 0.18, 0.12, 0.07, 0.05}) {
    hc.set_distance(d);
    pinfiber::sleep(600ms);
  }
  pinfiber::sleep(2s);
  hc.no_echo();  // gone: nothing within the module's range
  pinfiber::sleep(2s);
}

}  // namespace

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  example::CommandLine cli(argc, argv, "[--mock]   (the mock board and a simulated car; else the Pi's pins)");
  const bool mock = cli.flag("--mock");
  cli.done();
  if (mock) gpio::use_backend("mock");
  start_time = pinfiber::Clock::now();
  auto* board = dynamic_cast<gpio::MockBackend*>(&gpio::default_backend());
  std::optional<dev::MockHcSr04> hc;
  if (mock) hc.emplace(board->chip(0).pin(kTrigger), board->chip(0).pin(kEcho), 2.0);

  {
    // Three readings' median: one stray echo (a passing cat) does not make the buzzer shriek.
    dev::DistanceSensor sensor(kEcho, kTrigger, {.queue_len = 3, .max_distance = kRange, .threshold_distance = 0.5});
    dev::PwmLed led(kLed);
    dev::Buzzer buzzer(kBuzzer);
    say("parking sensor: HC-SR04 trigger BCM 23 echo BCM 24, LED BCM 18, buzzer BCM 22" +
        std::string(mock ? " (mock board)" : ""));

    pinfiber::SignalHandler on_int(SIGINT, pinfiber::shutdown);
    pinfiber::SignalHandler on_term(SIGTERM, pinfiber::shutdown);
    auto car = pinfiber::spawn([&] {
      if (hc) drive_car(*hc);
    });
    Zone zone = Zone::clear;
    int tenths = 0;  // the LED's brightness in tenths, as last printed
    try {
      // The display follows the sensor's median five times a second.
      while (!mock || !car.dead()) {
        const double d = sensor.distance(2s);
        led.set_value(1.0 - d / kRange);
        const Zone z = zone_of(d);
        const int t = static_cast<int>(led.value() * 10);
        if (z != zone || t != tenths) {
          if (z != zone) {
            switch (z) {
              case Zone::clear: buzzer.off(); break;
              case Zone::near: buzzer.beep(0.1, 0.4); break;
              case Zone::close: buzzer.beep(0.1, 0.1); break;
              case Zone::stop: buzzer.on(); break;
            }
          }
          zone = z;
          tenths = t;
          char buf[96];
          std::snprintf(buf, sizeof buf, "%.2f m, LED %3.0f %%: %s", d, led.value() * 100, name(z));
          say(buf);
        }
        pinfiber::sleep(200ms);
      }
    } catch (const pinfiber::GreenletExit&) {
      say("signal: stopping");
    }
    car.kill();
  }  // the devices go: LED and buzzer off, trigger low, lines released
  if (mock) {
    auto& chip = board->chip(0);
    say(std::string("LED ") + (chip.pin(kLed).level() ? "on" : "off") + ", buzzer " +
        (chip.pin(kBuzzer).level() ? "on" : "off") + ", lines " +
        (chip.pin(kLed).requested() || chip.pin(kBuzzer).requested() || chip.pin(kTrigger).requested() ? "held"
                                                                                                       : "released") +
        ", bye");
  } else {
    say("LED and buzzer off, bye");
  }
  return 0;
}
