// The main demo's status page (examples/button_led_http.hpp) in a real browser: headless chromium
// loads it, and a small DevTools-protocol script (Python, python3-websocket) reports what the page
// shows each time it changes. The test presses the mock button and expects the page to show it
// within a second - through GPIO edge, handler, Server-Sent Event, EventSource and the DOM - then
// clicks the page's toggle button and expects the LED to follow.

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "../../examples/button_led_http.hpp"
#include "net/http_fixture.hpp"

using namespace std::chrono_literals;
namespace gpio = pinfiber::gpio;

namespace {

bool have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

constexpr const char* kWatcher = R"PY(
import json, os, select, sys, time, urllib.request
import websocket
profile, page_url = sys.argv[1], sys.argv[2]
port = None
for _ in range(600):  # 60 s at most for chromium to start
    try:
        port = open(os.path.join(profile, "DevToolsActivePort")).read().split()[0]
        break
    except OSError:
        time.sleep(0.1)
if port is None:
    sys.exit("chromium wrote no DevToolsActivePort")
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
page = None
for _ in range(600):
    targets = json.load(opener.open("http://127.0.0.1:%s/json/list" % port))
    pages = [t for t in targets if t.get("type") == "page" and t.get("url", "").startswith(page_url)]
    if pages:
        page = pages[0]
        break
    time.sleep(0.1)
ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
seq = 0
def call(method, params):
    global seq
    seq += 1
    ws.send(json.dumps({"id": seq, "method": method, "params": params}))
    while True:
        m = json.loads(ws.recv())
        if m.get("id") == seq:
            return m
show = "['led','button','presses','live'].map(i => document.getElementById(i) ? document.getElementById(i).textContent : '-').join(' ')"
last = None
end = time.time() + 120
while time.time() < end:
    v = call("Runtime.evaluate", {"expression": show, "returnByValue": True}).get("result", {}).get("result", {}).get("value")
    if v != last:
        print(v, flush=True)
        last = v
    if select.select([sys.stdin], [], [], 0.02)[0]:
        line = sys.stdin.readline()
        if not line:
            break
        if line.strip() == "click":
            call("Runtime.evaluate", {"expression": "document.getElementById('toggle').click()"})
)PY";

}  // namespace

class ButtonLedPageTest : public pinfiber::testing::GpioTest {
 protected:
  void SetUp() override {
    GpioTest::SetUp();
    use_real_clock();  // a browser in other processes
  }
  void TearDown() override {
    pinfiber::http::close_idle_connections();
    GpioTest::TearDown();
  }
};

TEST_F(ButtonLedPageTest, ThePageFollowsTheButtonAndDrivesTheLed) {
  if (!have("chromium") || std::system("/usr/bin/python3 -c 'import websocket' 2>/dev/null") != 0) {
    GTEST_SKIP() << "chromium or python3-websocket missing (scripts/test installs them)";
  }
  // The demo's wiring, on the mock Pi Zero W.
  gpio::Led led(chip(), 17);
  bool held = false;
  std::uint64_t presses = 0;
  std::optional<button_led_http::StatusPage> page;
  auto button = chip().request_input(4, {.edge = gpio::Edge::both, .bias = gpio::Bias::pull_down, .debounce = 20ms});
  button.on_rising([&](const gpio::EdgeEvent&) {
    ++presses;
    held = true;
    led.on();
    page->changed();
  });
  button.on_falling([&](const gpio::EdgeEvent&) {
    held = false;
    led.off();
    page->changed();
  });
  page.emplace(pinfiber::Address::loopback(AF_INET, 0), button_led_http::Board{.lit = [&] { return led.is_lit(); },
                                                                               .pressed = [&] { return held; },
                                                                               .presses = [&] { return presses; },
                                                                               .set_led =
                                                                                   [&](bool on) {
                                                                                     on ? led.on() : led.off();
                                                                                     page->changed();
                                                                                   }});
  const std::string url = "http://127.0.0.1:" + std::to_string(page->address().port()) + "/";

  char tmpl[] = "/tmp/pinfiber-chromium.XXXXXX";
  const std::string profile = ::mkdtemp(tmpl);
  // Its own process group (setsid), so that the browser's helper processes go with it.
  pinfiber::Subprocess browser(
      {"setsid", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
       "--remote-debugging-port=0", url},
      {.in = pinfiber::Stdio::null, .out = pinfiber::Stdio::null, .err = pinfiber::Stdio::null});
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    if (v.find("_proxy=") == std::string::npos && v.find("_PROXY=") == std::string::npos) env.push_back(v);
  }
  pinfiber::Subprocess watcher({"/usr/bin/python3", "-c", kWatcher, profile, url}, {.env = env});
  auto watcher_err = pinfiber::spawn([&] { return watcher.read_all_err(180s); });
  struct Cleanup {
    pinfiber::Subprocess& browser;
    pinfiber::Subprocess& watcher;
    std::string profile;
    ~Cleanup() {
      try {
        watcher.close_in();
        if (!watcher.wait(10s)) {
          watcher.kill();
          watcher.wait(5s);
        }
      } catch (...) {
      }
      ::kill(-browser.pid(), SIGTERM);
      if (!browser.wait(10s)) {
        ::kill(-browser.pid(), SIGKILL);
        browser.wait(5s);
      }
      ::kill(-browser.pid(), SIGKILL);  // any helper left in the group
      std::system(("rm -rf " + profile).c_str());
    }
  } cleanup{browser, watcher, profile};

  // What the page shows, line by line, as it changes: "<led> <button> <presses> <live>".
  std::string buffered;
  auto next_view = [&](pinfiber::TimeSpan within) -> std::string {
    for (;;) {
      if (const auto nl = buffered.find('\n'); nl != std::string::npos) {
        std::string line = buffered.substr(0, nl);
        buffered.erase(0, nl + 1);
        return line;
      }
      char buf[256];
      const std::size_t n = watcher.read_out(buf, sizeof buf, within);
      if (n == 0) return "<watcher ended>";
      buffered.append(buf, n);
    }
  };
  auto wait_for_view = [&](const std::string& want, pinfiber::TimeSpan within) {
    const pinfiber::TimePoint until = pinfiber::deadline_in(within);
    std::string seen;
    try {
      for (;;) {
        const std::string v = next_view(std::max(pinfiber::Duration::zero(), until - pinfiber::Clock::now()));
        seen += v + " | ";
        if (v == want) return seen;
        if (v == "<watcher ended>") return "FAILED: " + seen;
      }
    } catch (const pinfiber::TimeoutError&) {
      return "FAILED: " + seen;
    }
  };

  // Loading a browser takes what it takes (bounded); from then on each change is due within a second.
  std::string seen = wait_for_view("off released 0 yes", 90s);
  ASSERT_FALSE(seen.starts_with("FAILED")) << seen << "\n" << (watcher.kill(), watcher_err.get());

  pin(4).drive_high();  // press
  seen = wait_for_view("on pressed 1 yes", 1s);
  EXPECT_FALSE(seen.starts_with("FAILED")) << "the page did not show the press within a second: " << seen;
  pin(4).drive_low();  // release
  seen = wait_for_view("off released 1 yes", 1s);
  EXPECT_FALSE(seen.starts_with("FAILED")) << "the page did not show the release within a second: " << seen;

  watcher.write_in("click\n", 5s);  // the page's own "Toggle the LED" button
  seen = wait_for_view("on released 1 yes", 1s);
  EXPECT_FALSE(seen.starts_with("FAILED")) << "the click did not light the LED within a second: " << seen;
  EXPECT_TRUE(led.is_lit());
  button.release();
  page.reset();
}
