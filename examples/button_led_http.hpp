#pragma once
// The main demo's web side (button_led --http PORT): a status page that shows the LED and the button
// live, with a button that toggles the LED, and the numbers for a Prometheus scraper.
//   GET  /            the page (its script listens to /events and posts to /led/toggle)
//   GET  /events      Server-Sent Events: "state" events {"led":..,"pressed":..,"presses":..} on
//                     every change, the current state first; a comment every 15 s keeps it honest
//   GET  /api/state   the same JSON, once
//   POST /led/toggle  toggles the LED; POST /led/on, /led/off set it
//   GET  /metrics     button_led_presses_total, button_led_led_on, button_led_button_pressed,
//                     button_led_http_events_clients
// Each browser's event stream has its own small queue; a browser that falls behind misses
// intermediate states, never the latest (every event carries the whole state).

#include <cstdint>
#include <functional>
#include <list>
#include <string>

#include "pinfiber/http.hpp"
#include "pinfiber/pinfiber.hpp"

namespace button_led_http {

/// What the page shows and does, as the demo sees it.
struct Board {
  std::function<bool()> lit;
  std::function<bool()> pressed;
  std::function<std::uint64_t()> presses;
  std::function<void(bool)> set_led;  // a command from the page
};

inline constexpr const char* kPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>button_led</title>
<style>body{font-family:sans-serif;margin:2em}.on{color:#c60}.off{color:#666}td{padding:.2em 1em}</style>
</head><body>
<h1>button_led</h1>
<table>
<tr><td>LED (BCM 17)</td><td id="led">?</td></tr>
<tr><td>Button (BCM 4)</td><td id="button">?</td></tr>
<tr><td>Presses</td><td id="presses">?</td></tr>
<tr><td>Live</td><td id="live">connecting</td></tr>
</table>
<p><button id="toggle">Toggle the LED</button> <a href="/metrics">/metrics</a></p>
<script>
const $ = (id) => document.getElementById(id);
const events = new EventSource('/events');
events.addEventListener('state', (e) => {
  const s = JSON.parse(e.data);
  $('led').textContent = s.led ? 'on' : 'off';
  $('led').className = s.led ? 'on' : 'off';
  $('button').textContent = s.pressed ? 'pressed' : 'released';
  $('presses').textContent = s.presses;
});
events.onopen = () => { $('live').textContent = 'yes'; };
events.onerror = () => { $('live').textContent = 'reconnecting'; };
$('toggle').onclick = () => fetch('/led/toggle', {method: 'POST'});
</script>
</body></html>
)HTML";

class StatusPage {
 public:
  /// Serves on `address` (port 0: any free one) at once. Throws Error when it cannot listen.
  StatusPage(const pinfiber::Address& address, Board board)
      : board_(std::move(board)), server_(address, {.keep_alive_timeout = std::chrono::seconds(30)}) {
    namespace http = pinfiber::http;
    server_.get("/",
                [](const http::Request&, http::ResponseWriter& res) { res.send(kPage, "text/html; charset=utf-8"); });
    server_.get("/api/state",
                [this](const http::Request&, http::ResponseWriter& res) { res.send(state(), "application/json"); });
    server_.post("/led/{what}", [this](const http::Request& req, http::ResponseWriter& res) {
      const std::string_view what = req.param("what");
      if (what != "on" && what != "off" && what != "toggle") {
        throw http::StatusError(404, "POST /led/on, /led/off or /led/toggle");
      }
      board_.set_led(what == "toggle" ? !board_.lit() : what == "on");
      res.send(state(), "application/json");
    });
    server_.get("/events", [this](const http::Request&, http::ResponseWriter& res) { stream(res); });
    metrics_.counter_fn("button_led_presses_total", "Presses of the button since the start",
                        [this] { return static_cast<double>(board_.presses()); });
    metrics_.gauge_fn("button_led_led_on", "1 while the LED is lit", [this] { return board_.lit() ? 1.0 : 0.0; });
    metrics_.gauge_fn("button_led_button_pressed", "1 while the button is held",
                      [this] { return board_.pressed() ? 1.0 : 0.0; });
    metrics_.gauge_fn("button_led_http_events_clients", "Browsers following /events",
                      [this] { return static_cast<double>(followers_.size()); });
    server_.get("/metrics", metrics_.handler());
    server_.start();
  }
  ~StatusPage() { server_.stop(std::chrono::seconds(1)); }

  const pinfiber::Address& address() const { return server_.address(); }

  /// Tells every open page that something changed. Never blocks.
  void changed() {
    const std::string s = state();
    for (auto* q : followers_) {
      try {
        q->put_nowait(s);
      } catch (const pinfiber::Error&) {
        // that browser is behind: it gets the next state
      }
    }
  }

 private:
  std::string state() const {
    return nlohmann::json{{"led", board_.lit()}, {"pressed", board_.pressed()}, {"presses", board_.presses()}}.dump();
  }

  void stream(pinfiber::http::ResponseWriter& res) {
    pinfiber::Queue<std::string> mine(8);
    followers_.push_back(&mine);
    struct Leave {
      std::list<pinfiber::Queue<std::string>*>& all;
      pinfiber::Queue<std::string>* q;
      ~Leave() { all.remove(q); }
    } leave{followers_, &mine};
    auto events = res.event_stream();
    events.send(state(), "state");
    for (;;) {
      try {
        events.send(mine.get(std::chrono::seconds(15)), "state");
      } catch (const pinfiber::TimeoutError&) {
        events.comment("still here");  // throws once the browser has gone
      }
    }
  }

  Board board_;
  pinfiber::http::Server server_;
  pinfiber::http::Metrics metrics_;
  std::list<pinfiber::Queue<std::string>*> followers_;
};

}  // namespace button_led_http
