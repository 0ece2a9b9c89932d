// Story 10: a button on BCM GPIO 4 and an LED on BCM GPIO 17. A rising edge turns the LED on, a
// falling edge turns it off; one line has both handlers (which RPi.GPIO refuses). In the same hub:
// a TCP status port (connect and read the press count and LED state) and a heartbeat timer.
//
// It is a daemon (pinfiber::run_daemon): settings from /etc/pinfiber/button_led.toml and the command
// line, READY=1 and STATUS= for systemd (Type=notify), the watchdog when the unit sets WatchdogSec=,
// logs to the journal under systemd, SIGTERM/SIGINT stop it cleanly (packaging/ has its unit).
//
// On a Raspberry Pi it uses the real chip and runs until SIGINT/SIGTERM. With --mock (scripts/demo
// passes it on a PC, which has no /dev/gpiochip*) it runs on a simulated Pi Zero W, says so loudly,
// and a scripted finger presses the (bouncing) button three times, reads the status port, and the
// demo exits; --forever keeps the finger pressing until a signal. Either way the LED ends off and the
// pins are released.
//
// With --mqtt host[:port] it also publishes the presses and the LED's state and obeys commands on
// MQTT (button_led_mqtt.hpp says which topics), in builds that have pinfiber::mqtt. With --http PORT
// it serves a status page on that port (0: any free one, said on stderr): the LED and the button live,
// a button that toggles the LED, and /metrics (button_led_http.hpp), in builds that have pinfiber::http.
//
//   button_led [--mock] [--forever] [--port N] [--mqtt host[:port]] [--http PORT] [--config FILE]
//   [--log-level L]   (--help: every setting; status port: N, default 0 = any free one, in the log)

#include <cstdio>
#include <optional>
#include <string>

#include "pinfiber/pinfiber.hpp"

#include "paused_clock.hpp"
#if PINFIBER_HAVE_MQTT
#include "button_led_mqtt.hpp"
#endif
#if PINFIBER_HAVE_HTTP
#include "button_led_http.hpp"
#endif

using namespace std::chrono_literals;
namespace gpio = pinfiber::gpio;

namespace {

constexpr unsigned kButton = 4;  // BCM 4, physical pin 7: the button to 3V3
constexpr unsigned kLed = 17;    // BCM 17, physical pin 11: the LED (through a resistor) to ground

void say(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

// The finger: presses with contact bounce, holds, releases (bouncing too).
void press_once(gpio::MockPin& pin, unsigned n) {
  say("finger: press " + std::to_string(n));
  pin.bounce(true, 3, 1ms);
  pinfiber::sleep(300ms);
  say("finger: release " + std::to_string(n));
  pin.bounce(false, 2, 1ms);
  pin.release_drive();
}

std::string ask_status(std::uint16_t port) {
  auto s = pinfiber::Socket::tcp();
  s.connect(pinfiber::Address::parse("127.0.0.1", port), 2s);
  std::string reply;
  char buf[128];
  while (std::size_t n = s.recv(buf, sizeof buf)) reply.append(buf, n);
  while (!reply.empty() && reply.back() == '\n') reply.pop_back();
  return reply;
}

// The demo's settings: defaults here, then /etc/pinfiber/button_led.toml, then the command line.
struct Settings {
  bool mock = false;
  bool forever = false;
  std::uint16_t port = 0;
  std::string mqtt;  // broker host[:port]; empty: no MQTT
  int http = -1;     // status page port; -1: none, 0: any free one
};

void declare(pinfiber::Config& config, Settings& s) {
  config.add("mock", s.mock, "use the simulated Raspberry Pi Zero W (no real pin is driven)");
  config.add("forever", s.forever, "with --mock: keep the scripted finger pressing until a signal");
  config.add("port", s.port, "TCP port of the status service on 127.0.0.1 (0: any free one)");
  config.add("mqtt", s.mqtt, "MQTT broker host[:port]: publish presses and the LED's state, obey commands");
  config.add("http", s.http, "serve a status page on this port (0: any free one; -1: none)");
}

void run(const Settings& settings) {
  if (settings.mock) {
    gpio::use_backend("mock");
    pinfiber::logging::warning("SIMULATED GPIO (the mock Raspberry Pi Zero W): no real pin is driven");
  }
  gpio::Backend& backend = gpio::default_backend();  // or PINFIBER_GPIO=mock|gpiod
  auto* mock = dynamic_cast<gpio::MockBackend*>(&backend);
  gpio::Chip chip = gpio::Chip::default_chip();
  say("button_led: button on BCM " + std::to_string(kButton) + ", LED on BCM " + std::to_string(kLed) + ", " +
      chip.name() + " '" + chip.label() + "' (" + std::string(backend.name()) + ")");

  std::uint64_t presses = 0;
  gpio::Led led(chip, kLed);
  bool held = false;  // the button, as its edges say
#if PINFIBER_HAVE_HTTP
  std::optional<button_led_http::StatusPage> web;
#endif
#if PINFIBER_HAVE_MQTT
  // A broker that cannot be reached ends the daemon (logged; exit status 1, which systemd restarts).
  std::optional<button_led_mqtt::Bridge> mqtt;
  if (!settings.mqtt.empty()) {
    mqtt.emplace(
        settings.mqtt, "button_led",
        [&](bool on) {
          on ? led.on() : led.off();
          say(std::string("LED ") + (on ? "on" : "off") + " (MQTT command)");
          mqtt->led_changed(on);
#if PINFIBER_HAVE_HTTP
          if (web) web->changed();
#endif
        },
        [&] { return led.is_lit(); });
  }
#else
  if (!settings.mqtt.empty()) {
    throw pinfiber::Error("this build has no MQTT (libmosquitto was not found when pinfiber was built)");
  }
#endif
  auto status_line = [&] { return std::to_string(presses) + " presses, LED " + (led.is_lit() ? "on" : "off"); };
#if PINFIBER_HAVE_HTTP
  // A port that cannot be bound ends the daemon (logged; exit status 1).
  if (settings.http >= 0) {
    if (settings.http > 65535)
      throw pinfiber::Error("serve the status page on port " + std::to_string(settings.http) + ": not a port");
    web.emplace(pinfiber::Address::parse("0.0.0.0", static_cast<std::uint16_t>(settings.http)),
                button_led_http::Board{.lit = [&] { return led.is_lit(); },
                                       .pressed = [&] { return held; },
                                       .presses = [&] { return presses; },
                                       .set_led =
                                           [&](bool on) {
                                             on ? led.on() : led.off();
                                             say(std::string("LED ") + (on ? "on" : "off") + " (web page)");
                                             web->changed();
#if PINFIBER_HAVE_MQTT
                                             if (mqtt) mqtt->led_changed(on);
#endif
                                           }});
    pinfiber::logging::info("status page on http://127.0.0.1:{port}/", {{"port", web->address().port()}});
  }
#else
  if (settings.http >= 0) throw pinfiber::Error("this build has no HTTP server (pinfiber::http was not built)");
#endif
  // Wired to 3V3, so pulled down: pressed = high = rising edge. 20 ms of debounce.
  auto button = chip.request_input(
      kButton, {.edge = gpio::Edge::both, .bias = gpio::Bias::pull_down, .debounce = 20ms, .consumer = "button_led"});
  button.on_rising([&](const gpio::EdgeEvent&) {
    ++presses;
    held = true;
    led.on();
    say("LED on (press " + std::to_string(presses) + ")");
#if PINFIBER_HAVE_HTTP
    if (web) web->changed();
#endif
#if PINFIBER_HAVE_MQTT
    if (mqtt) {
      mqtt->pressed(static_cast<unsigned>(presses));
      mqtt->led_changed(true);
    }
#endif
    pinfiber::notify_status(status_line());
  });
  button.on_falling([&](const gpio::EdgeEvent&) {
    held = false;
    led.off();
    say("LED off");
#if PINFIBER_HAVE_HTTP
    if (web) web->changed();
#endif
#if PINFIBER_HAVE_MQTT
    if (mqtt) mqtt->led_changed(false);
#endif
    pinfiber::notify_status(status_line());
  });

  pinfiber::StreamServer status(
      pinfiber::Address::parse("127.0.0.1", settings.port), [&](pinfiber::Socket& c, const pinfiber::Address&) {
        c.send_all("presses=" + std::to_string(presses) + " led=" + (led.is_lit() ? "on" : "off") + "\n");
      });
  status.start();
  pinfiber::logging::info("status on tcp {address}", {{"address", status.address()}});

  // On the grid: heartbeat n at start + n s, however long a tick takes.
  auto heartbeat = pinfiber::every(
      1s, [&](const pinfiber::Tick& t) { say("heartbeat " + std::to_string(t.number) + ": " + status_line()); },
      {.name = "heartbeat"});

  pinfiber::notify_ready("status on tcp " + status.address().to_string() + "; " + status_line());
  try {
    if (mock) {
      gpio::MockPin& pin = mock->chip(0).pin(kButton);
      for (unsigned n = 1; settings.forever || n <= 3; ++n) {
        pinfiber::sleep(1500ms);
        press_once(pin, n);
      }
      pinfiber::sleep(500ms);
      say("status port says: " + ask_status(status.address().port()));
    } else {
      pinfiber::pause();  // until SIGINT / SIGTERM
    }
  } catch (const pinfiber::GreenletExit&) {
    say("signal: stopping");
  }
  heartbeat.kill();
#if PINFIBER_HAVE_MQTT
  mqtt.reset();  // "offline", then a clean DISCONNECT
#endif
#if PINFIBER_HAVE_HTTP
  web.reset();  // open pages see their event stream end
#endif
  status.stop(1s);
  button.release();
  led.off();
  say("LED off, pins released, bye");
}

}  // namespace

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  Settings settings;
  pinfiber::Config config("button_led", "pinfiber's main demo: an LED lit while a button is pressed (story 10)");
  config.set_default_file("/etc/pinfiber/button_led.toml");
  declare(config, settings);
  return pinfiber::run_daemon(config, argc, argv, [&] { run(settings); });
}
