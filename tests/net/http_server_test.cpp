// The HTTP server, spoken to byte by byte from the same hub on the paused clock: the protocol cases
// and every timeout are exact. (Real clients - curl, Python, wrk, a browser - are in
// http_real_clients_test.cpp.)

#include <string>
#include <vector>

#include "net/http_fixture.hpp"

using namespace std::chrono_literals;
namespace http = pinfiber::http;

namespace {

pinfiber::Socket connect_to(const http::Server& server) {
  auto s = pinfiber::Socket::tcp();
  s.connect(server.address(), 1s);
  return s;
}

// Everything the server sends until it closes the connection (or `timeout` passes).
std::string read_to_end(pinfiber::Socket& s, pinfiber::TimeSpan timeout = 60s) {
  std::string all;
  char buf[4096];
  try {
    while (const std::size_t n = s.recv(buf, sizeof buf, timeout)) all.append(buf, n);
  } catch (const pinfiber::TimeoutError&) {
    all += "<still open>";
  } catch (const pinfiber::Error& e) {
    all += std::string("<") + e.what() + ">";
  }
  return all;
}

// One whole response (head and Content-Length body) from a kept-alive connection.
std::string read_response(pinfiber::Socket& s, std::string& carry) {
  char buf[4096];
  for (;;) {
    const auto end = carry.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::size_t length = 0;
      const auto cl = carry.find("Content-Length: ");
      if (cl != std::string::npos && cl < end) length = std::stoul(carry.substr(cl + 16));
      if (carry.size() >= end + 4 + length) {
        std::string one = carry.substr(0, end + 4 + length);
        carry.erase(0, one.size());
        return one;
      }
    }
    const std::size_t n = s.recv(buf, sizeof buf, 60s);
    if (n == 0) return "<closed> " + carry;
    carry.append(buf, n);
  }
}

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

struct TestServer {
  http::Server server;
  std::vector<std::string> errors;
  explicit TestServer(http::ServerOptions options = {})
      : server(pinfiber::Address::loopback(AF_INET, 0), with_errors(std::move(options))) {
    server.get("/hello", [](const http::Request&, http::ResponseWriter& res) { res.send("hello\n"); });
    server.route("*", "/echo", [](const http::Request& req, http::ResponseWriter& res) {
      res.send(req.method + " " + req.path + " q=" + req.query_value("q").value_or("-") + " body=" + req.body);
    });
    server.get("/pin/{n}/level", [](const http::Request& req, http::ResponseWriter& res) {
      res.send("pin " + std::string(req.param("n")));
    });
    server.get("/static/*", [](const http::Request& req, http::ResponseWriter& res) { res.send("file " + req.path); });
    server.post("/led", [](const http::Request&, http::ResponseWriter& res) { res.send(204, ""); });
    server.get("/sleepy", [](const http::Request&, http::ResponseWriter& res) {
      pinfiber::sleep(5s);
      res.send("awake\n");
    });
    server.get("/refuse", [](const http::Request&, http::ResponseWriter&) {
      throw http::StatusError(422, "led: expected on or off");
    });
    server.get("/broken", [](const http::Request&, http::ResponseWriter&) { throw std::runtime_error("oops"); });
    server.get("/chunks", [](const http::Request&, http::ResponseWriter& res) {
      res.begin("text/plain");
      res.write("ab");
      res.write("cde");
    });
    server.get("/json", [](const http::Request&, http::ResponseWriter& res) {
      http::send_json(res, {{"led", true}, {"presses", 3}});
    });
    server.post("/json", [](const http::Request& req, http::ResponseWriter& res) {
      const auto j = http::json_body(req);
      http::send_json(res, {{"twice", j.at("n").get<int>() * 2}});
    });
    server.start();
  }
  http::ServerOptions with_errors(http::ServerOptions o) {
    o.on_error = [this](const std::string& m) { errors.push_back(m); };
    return o;
  }
  std::string ask(const std::string& request) {
    auto s = connect_to(server);
    s.send_all(request);
    return read_to_end(s);
  }
};

}  // namespace

class HttpServerTest : public HttpTest {};

TEST_F(HttpServerTest, AnswersAndKeepsTheConnectionAlive) {
  TestServer t;
  auto s = connect_to(t.server);
  std::string carry;
  s.send_all("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string first = read_response(s, carry);
  EXPECT_EQ(status_line(first), "HTTP/1.1 200 OK");
  EXPECT_NE(first.find("\r\nContent-Length: 6\r\n"), std::string::npos) << first;
  EXPECT_NE(first.find("\r\nContent-Type: text/plain; charset=utf-8\r\n"), std::string::npos) << first;
  EXPECT_NE(first.find("\r\nDate: "), std::string::npos) << first;
  EXPECT_EQ(first.find("Connection: close"), std::string::npos) << first;
  EXPECT_EQ(body_of(first), "hello\n");
  s.send_all("POST /echo?q=a%20b+c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz");
  EXPECT_EQ(body_of(read_response(s, carry)), "POST /echo q=a b c body=xyz");
  EXPECT_EQ(t.server.requests_served(), 2u);
  EXPECT_EQ(t.server.connection_count(), 1u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestServer t;
  auto s = connect_to(t.server);
  s.send_all(
      "GET /echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /echo?q=2 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /echo?q=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string all = read_to_end(s);
  const auto a = all.find("q=1"), b = all.find("q=2"), c = all.find("q=3");
  ASSERT_NE(c, std::string::npos) << all;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_NE(all.find("Connection: close"), std::string::npos);
}

TEST_F(HttpServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  TestServer t;
  const std::string r = t.ask("GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_EQ(status_line(r), "HTTP/1.0 200 OK");
  EXPECT_EQ(body_of(r), "hello\n");  // and read_to_end returned: the server closed
  auto s = connect_to(t.server);
  std::string carry;
  s.send_all("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  const std::string kept = read_response(s, carry);
  EXPECT_NE(kept.find("Connection: keep-alive"), std::string::npos) << kept;
  s.send_all("GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_EQ(body_of(read_response(s, carry)), "hello\n");
}

TEST_F(HttpServerTest, RoutesParamsPrefixesAnd404And405) {
  TestServer t;
  EXPECT_EQ(body_of(t.ask("GET /pin/17/level HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), "pin 17");
  EXPECT_EQ(body_of(t.ask("GET /static/css/a.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            "file /static/css/a.css");
  const std::string missing = t.ask("GET /pin/17 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(missing), "HTTP/1.1 404 Not Found");
  const std::string wrong = t.ask("DELETE /led HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(wrong), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_NE(wrong.find("\r\nAllow: POST\r\n"), std::string::npos) << wrong;
  const std::string no_content =
      t.ask("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(no_content), "HTTP/1.1 204 No Content");
  EXPECT_EQ(no_content.find("Content-Length"), std::string::npos) << no_content;
}

TEST_F(HttpServerTest, HeadSendsTheHeadersOfAGet) {
  TestServer t;
  const std::string r = t.ask("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(r), "HTTP/1.1 200 OK");
  EXPECT_NE(r.find("Content-Length: 6\r\n"), std::string::npos) << r;
  EXPECT_EQ(body_of(r), "");
}

TEST_F(HttpServerTest, ChunkedResponsesAndRequests) {
  TestServer t;
  const std::string r = t.ask("GET /chunks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(r.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << r;
  EXPECT_EQ(body_of(r), "2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n");
  const std::string up = t.ask(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n");
  EXPECT_EQ(body_of(up), "POST /echo q=- body=wikipedia");
  // HTTP/1.0 has no chunks: the end of the connection ends the body.
  const std::string old = t.ask("GET /chunks HTTP/1.0\r\n\r\n");
  EXPECT_EQ(body_of(old), "abcde");
}

TEST_F(HttpServerTest, ExpectContinueGetsA100First) {
  TestServer t;
  auto s = connect_to(t.server);
  s.send_all(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
  char buf[64];
  const std::size_t n = s.recv(buf, sizeof buf, 5s);
  EXPECT_EQ(std::string(buf, n), "HTTP/1.1 100 Continue\r\n\r\n");
  s.send_all("12345");
  EXPECT_EQ(body_of(read_to_end(s)), "POST /echo q=- body=12345");
}

TEST_F(HttpServerTest, JsonInAndOut) {
  TestServer t;
  EXPECT_EQ(body_of(t.ask("GET /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            R"({"led":true,"presses":3})");
  const std::string twice =
      t.ask("POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{\"n\":21}");
  EXPECT_NE(twice.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(body_of(twice), R"({"twice":42})");
  const std::string bad = t.ask("POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{n:");
  EXPECT_EQ(status_line(bad), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(body_of(bad).find("invalid JSON in the request body"), std::string::npos) << bad;
}

TEST_F(HttpServerTest, HandlerErrors) {
  TestServer t;
  const std::string refused = t.ask("GET /refuse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(refused), "HTTP/1.1 422 Unprocessable Content");
  EXPECT_EQ(body_of(refused), "led: expected on or off\n");
  const std::string broken = t.ask("GET /broken HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(broken), "HTTP/1.1 500 Internal Server Error");
  EXPECT_EQ(body_of(broken), "internal server error\n");  // the details are not the client's business
  EXPECT_EQ(t.errors, std::vector<std::string>{"GET /broken: oops"});
}

TEST_F(HttpServerTest, ABlockingHandlerHoldsUpOnlyItsConnection) {
  TestServer t;
  auto slow = pinfiber::spawn([&] { return t.ask("GET /sleepy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); });
  pinfiber::sleep(1s);
  EXPECT_EQ(body_of(t.ask("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), "hello\n");
  EXPECT_EQ(elapsed(), 1s);
  EXPECT_EQ(body_of(slow.get()), "awake\n");
  EXPECT_EQ(elapsed(), 5s);
}

// ---- bad input: each a clean answer and a closed connection, and the server goes on -------------

TEST_F(HttpServerTest, MalformedRequestsGet400) {
  TestServer t;
  for (const char* bad : {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost x\r\n\r\n", "GET /\r\n\r\n",
                          "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                          "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"}) {
    const std::string r = t.ask(bad);
    EXPECT_EQ(status_line(r), "HTTP/1.1 400 Bad Request") << bad;
    EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
  }
  EXPECT_EQ(status_line(t.ask("GET /hello HTTP/1.1\r\n\r\n")), "HTTP/1.1 400 Bad Request");  // no Host
  EXPECT_EQ(status_line(t.ask("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n")), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(body_of(t.ask("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), "hello\n");
}

TEST_F(HttpServerTest, OversizedHeadersGet431) {
  TestServer t({.max_header_size = 1024});
  const std::string r = t.ask("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_line(r), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(body_of(r), "the request line and headers exceed 1024 bytes\n");
  // Endless headers that never finish are cut off at the limit too, not read forever.
  auto s = connect_to(t.server);
  s.send_all("GET /hello HTTP/1.1\r\nHost: x\r\n");
  for (int i = 0; i < 100; ++i) s.send_all("X-Line-" + std::to_string(i) + ": " + std::string(30, 'b') + "\r\n");
  EXPECT_EQ(status_line(read_to_end(s)), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(body_of(t.ask("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), "hello\n");
}

TEST_F(HttpServerTest, OversizedBodiesGet413) {
  TestServer t({.max_body_size = 1000});
  // Declared: answered before the body is read.
  auto s = connect_to(t.server);
  s.send_all("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  const std::string r = read_to_end(s);
  EXPECT_EQ(status_line(r), "HTTP/1.1 413 Content Too Large");
  EXPECT_EQ(body_of(r), "the request body exceeds 1000 bytes\n");
  // Chunked: answered when the chunks pass the limit.
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) chunked += "64\r\n" + std::string(100, 'c') + "\r\n";
  EXPECT_EQ(status_line(t.ask(chunked)), "HTTP/1.1 413 Content Too Large");
  EXPECT_EQ(body_of(t.ask("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")),
            "POST /echo q=- body=ok");
}

TEST_F(HttpServerTest, SlowlorisIsCutOffAtTheHeaderTimeoutWhileOthersAreServed) {
  TestServer t({.header_timeout = 10s});
  auto loris = pinfiber::spawn([&] {
    auto s = connect_to(t.server);
    const std::string request = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(100, 'p') + "\r\n\r\n";
    std::size_t sent = 0;
    try {
      for (; sent < request.size(); ++sent) {  // one byte a second
        s.send_all(request.substr(sent, 1));
        pinfiber::sleep(1s);
      }
    } catch (const pinfiber::Error&) {
    }
    return std::make_pair(sent, read_to_end(s));
  });
  pinfiber::sleep(3s);
  EXPECT_EQ(body_of(t.ask("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), "hello\n");
  const auto [sent, answer] = loris.get();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 408 Request Timeout");
  EXPECT_EQ(body_of(answer), "the request's headers took longer than 10.000000 s\n");
  EXPECT_LE(sent, 12u);  // a byte each second until 10 s, and one more while the server lingers
  EXPECT_GE(elapsed(), 10s);
  EXPECT_LE(elapsed(), 12s);
}

TEST_F(HttpServerTest, ASlowBodyIsCutOffAtTheBodyTimeout) {
  TestServer t({.body_timeout = 5s});
  auto s = connect_to(t.server);
  s.send_all("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a little");
  const std::string r = read_to_end(s);
  EXPECT_EQ(status_line(r), "HTTP/1.1 408 Request Timeout");
  EXPECT_EQ(elapsed(), 5s);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionsCloseAfterTheirTimeout) {
  TestServer t({.keep_alive_timeout = 5s});
  auto s = connect_to(t.server);
  std::string carry;
  s.send_all("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(read_response(s, carry)), "hello\n");
  const pinfiber::Duration answered = elapsed();
  EXPECT_EQ(read_to_end(s), "");        // closed by the server...
  EXPECT_EQ(elapsed() - answered, 5s);  // ...exactly then
  // A connection that never sends a byte gets header_timeout.
  auto silent = connect_to(t.server);
  EXPECT_EQ(read_to_end(silent), "");
  EXPECT_EQ(elapsed() - answered, 15s);
}

TEST_F(HttpServerTest, ServerSentEvents) {
  http::Server server(pinfiber::Address::loopback(AF_INET, 0));
  pinfiber::Queue<std::string> updates;
  server.get("/events", [&](const http::Request&, http::ResponseWriter& res) {
    auto events = res.event_stream();
    events.retry(2s);
    for (const std::string& u : updates) events.send(u, "led", "1");
  });
  server.start();
  auto s = connect_to(server);
  s.send_all("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
  updates.put("on");
  updates.put("line one\nline two");
  updates.shutdown();
  const std::string r = read_to_end(s, 1s);
  EXPECT_NE(r.find("Content-Type: text/event-stream\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("Cache-Control: no-cache\r\n"), std::string::npos) << r;
  EXPECT_EQ(body_of(r),
            "d\r\nretry: 2000\n\n\r\n"
            "1b\r\nevent: led\nid: 1\ndata: on\n\n\r\n"
            "30\r\nevent: led\nid: 1\ndata: line one\ndata: line two\n\n\r\n"
            "0\r\n\r\n<still open>");
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndWaitsForBusyOnes) {
  TestServer t;
  auto idle = connect_to(t.server);
  std::string carry;
  idle.send_all("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  read_response(idle, carry);
  auto busy = pinfiber::spawn([&] { return t.ask("GET /sleepy HTTP/1.1\r\nHost: x\r\n\r\n"); });
  pinfiber::sleep(1s);
  t.server.stop(10s);
  EXPECT_EQ(elapsed(), 5s);  // the sleepy handler finished; nothing waited for the idle one
  EXPECT_EQ(read_to_end(idle), "");
  const std::string last = busy.get();
  EXPECT_EQ(body_of(last), "awake\n");
  EXPECT_NE(last.find("Connection: close"), std::string::npos) << last;
}

TEST_F(HttpServerTest, MetricsInPrometheusTextFormat) {
  http::Metrics m;
  m.counter("button_presses_total", "Presses of the button").inc(3);
  m.counter("http_requests_total", "Requests by code", {{"code", "200"}}).inc();
  m.counter("http_requests_total", "Requests by code", {{"code", "404"}}).inc(2);
  m.counter("http_requests_total", "Requests by code", {{"code", "200"}}).inc();
  m.gauge("temperature_celsius", "Air \\ temperature\nnow").set(21.5);
  bool lit = true;
  m.gauge_fn("led_on", "1 while the LED is lit", [&] { return lit ? 1.0 : 0.0; }, {{"pin", "17\"x"}});
  EXPECT_EQ(m.render(),
            "# HELP button_presses_total Presses of the button\n"
            "# TYPE button_presses_total counter\n"
            "button_presses_total 3\n"
            "# HELP http_requests_total Requests by code\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{code=\"200\"} 2\n"
            "http_requests_total{code=\"404\"} 2\n"
            "# HELP temperature_celsius Air \\\\ temperature\\nnow\n"
            "# TYPE temperature_celsius gauge\n"
            "temperature_celsius 21.5\n"
            "# HELP led_on 1 while the LED is lit\n"
            "# TYPE led_on gauge\n"
            "led_on{pin=\"17\\\"x\"} 1\n");
  EXPECT_THROW(m.counter("bad name", "x"), pinfiber::Error);
  EXPECT_THROW(m.gauge("button_presses_total", "x"), pinfiber::Error);
  http::Server server(pinfiber::Address::loopback(AF_INET, 0));
  server.get("/metrics", m.handler());
  server.start();
  lit = false;
  const std::string r = http::get(url(server, "/metrics")).body;
  EXPECT_NE(r.find("led_on{pin=\"17\\\"x\"} 0\n"), std::string::npos) << r;
}
