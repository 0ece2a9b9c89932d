// The HTTP server and client against real peers in other processes: curl (the CLI), Python's
// http.client and raw sockets, wrk, and openssl s_server for TLS. Real clock; every wait is bounded,
// and the assertions are about what happened, never how long it took.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "net/http_fixture.hpp"

using namespace std::chrono_literals;
namespace http = pinfiber::http;

namespace {

struct Ran {
  int code = -1;
  std::string out, err;
};

// Runs `argv` (stdin from `input`), serving the hub meanwhile; at most 60 s.
Ran run(const std::vector<std::string>& argv, const std::string& input = {}) {
  pinfiber::Subprocess p(argv);
  auto err = pinfiber::spawn([&] { return p.read_all_err(60s); });
  if (!input.empty()) p.write_in(input, 60s);
  p.close_in();
  Ran r;
  r.out = p.read_all_out(60s);
  r.err = err.get();
  const auto status = p.wait(60s);
  if (!status) {
    p.kill();
    p.wait(5s);
  }
  r.code = status ? status->code : -1;
  return r;
}

bool have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

struct Served {
  http::Server server;
  pinfiber::Queue<std::string> events;
  explicit Served(http::ServerOptions o = {}) : server(pinfiber::Address::loopback(AF_INET, 0), std::move(o)) {
    server.get("/hello", [](const http::Request&, http::ResponseWriter& res) { res.send("hello\n"); });
    server.route("*", "/echo", [](const http::Request& req, http::ResponseWriter& res) {
      res.send(req.method + " " + std::to_string(req.body.size()) + " " + req.body.substr(0, 16));
    });
    server.post("/json", [](const http::Request& req, http::ResponseWriter& res) {
      http::send_json(res, {{"twice", http::json_body(req).at("n").get<int>() * 2}});
    });
    server.get("/events", [this](const http::Request&, http::ResponseWriter& res) {
      auto sse = res.event_stream();
      for (const std::string& e : events) sse.send(e, "led");
    });
    server.start();
  }
  std::string url(const std::string& path) const { return "http://" + server.address().to_string() + path; }
};

}  // namespace

class HttpRealClientsTest : public RealHttpTest {
 protected:
  void SetUp() override {
    RealHttpTest::SetUp();
    if (!have("curl") || !have("python3")) GTEST_SKIP() << "curl or python3 missing (scripts/test installs them)";
  }
};

TEST_F(HttpRealClientsTest, CurlKeepsTheConnectionAndPostsJson) {
  Served s;
  const Ran two = run({"curl", "-s", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\\n",
                       s.url("/hello"), s.url("/hello")});
  EXPECT_EQ(two.out, "200 1\n200 0\n") << two.err;  // the second request reused the first's connection
  const Ran json = run({"curl", "-s", "-H", "Content-Type: application/json", "-d", R"({"n":21})", s.url("/json")});
  EXPECT_EQ(json.out, R"({"twice":42})");
  const Ran bad = run({"curl", "-s", "-w", "%{http_code}", "-d", "{n:", s.url("/json")});
  EXPECT_TRUE(bad.out.ends_with("400")) << bad.out;
}

TEST_F(HttpRealClientsTest, CurlUploadsChunkedAndWithExpectContinue) {
  Served s;
  const std::string body(100000, 'z');
  const Ran chunked =
      run({"curl", "-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", s.url("/echo")}, body);
  EXPECT_EQ(chunked.out, "POST 100000 zzzzzzzzzzzzzzzz");
  const Ran expect =
      run({"curl", "-sv", "-H", "Expect: 100-continue", "--data-binary", "@-", s.url("/echo")}, std::string(10, 'e'));
  EXPECT_EQ(expect.out, "POST 10 eeeeeeeeee");
  EXPECT_NE(expect.err.find("HTTP/1.1 100 Continue"), std::string::npos) << expect.err;
  // Too large: a clean 413 that curl reads, although it was still sending.
  const Ran big = run({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@-", s.url("/echo")},
                      std::string(3 << 20, 'b'));
  EXPECT_EQ(big.out, "413");
}

TEST_F(HttpRealClientsTest, CurlReadsServerSentEvents) {
  Served s;
  auto feeder = pinfiber::spawn([&] {
    pinfiber::sleep(200ms);
    s.events.put("on");
    s.events.put("off");
    s.events.shutdown();  // the handler returns, the stream ends
  });
  const Ran sse = run({"curl", "-sN", "--max-time", "30", s.url("/events")});
  EXPECT_EQ(sse.out, "event: led\ndata: on\n\nevent: led\ndata: off\n\n");
  feeder.join();
}

TEST_F(HttpRealClientsTest, PythonHttpClientProtocolCases) {
  Served s({.max_header_size = 2048, .header_timeout = 1s});
  const std::string script = R"PY(
import http.client, socket, sys, time
port = int(sys.argv[1])
out = []
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
c.request("GET", "/hello"); r = c.getresponse(); body = r.read()
first = c.sock.getsockname()
c.request("HEAD", "/hello"); h = c.getresponse(); h.read()
out.append("keepalive %d %s %s same=%s" % (r.status, body == b"hello\n", h.getheader("Content-Length"), c.sock.getsockname() == first))
c.request("PUT", "/nothing"); r = c.getresponse(); r.read(); out.append("404 %d" % r.status)
c.request("POST", "/echo", body=iter([b"ab", b"cd"]), encode_chunked=True); r = c.getresponse()
out.append("chunked %d %s" % (r.status, r.read().decode()))
c.putrequest("GET", "/hello"); c.putheader("X-Big", "a" * 4000); c.endheaders(); r = c.getresponse()
out.append("bigheader %d %s" % (r.status, r.getheader("Connection")))
s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
out.append("garbage %s" % s.recv(100).split(b"\r\n")[0].decode())
# A slow client (a byte every 0.2 s) is cut off after header_timeout, while another is served.
loris = socket.create_connection(("127.0.0.1", port))
req = b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 100 + b"\r\n\r\n"
answer = b""
other = None
for i, byte in enumerate(req):
    try:
        loris.send(bytes([byte]))
    except OSError:
        break
    if i == 2:
        o = http.client.HTTPConnection("127.0.0.1", port, timeout=30); o.request("GET", "/hello")
        other = o.getresponse().status
    loris.settimeout(0.2)
    try:
        answer = loris.recv(200)
        if answer:
            break
    except socket.timeout:
        pass
out.append("slowloris %s sent=%d other=%s" % (answer.split(b"\r\n")[0].decode(), i + 1, other))
print("\n".join(out))
)PY";
  const Ran py = run({"python3", "-c", script, std::to_string(s.server.address().port())});
  ASSERT_EQ(py.code, 0) << py.err;
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < py.out.size();) {
    const auto nl = py.out.find('\n', at);
    lines.push_back(py.out.substr(at, nl - at));
    at = nl + 1;
  }
  ASSERT_EQ(lines.size(), 6u) << py.out;
  EXPECT_EQ(lines[0], "keepalive 200 True 6 same=True");
  EXPECT_EQ(lines[1], "404 404");
  EXPECT_EQ(lines[2], "chunked 200 POST 4 abcd");
  EXPECT_EQ(lines[3], "bigheader 431 close");
  EXPECT_EQ(lines[4], "garbage HTTP/1.1 400 Bad Request");
  EXPECT_TRUE(lines[5].starts_with("slowloris HTTP/1.1 408 Request Timeout sent=")) << lines[5];
  EXPECT_TRUE(lines[5].ends_with(" other=200")) << lines[5];
  const int sent = std::stoi(lines[5].substr(lines[5].find("sent=") + 5));
  EXPECT_LT(sent, 120) << "the slow client was not cut off before its request was complete";
}

TEST_F(HttpRealClientsTest, WrkUnderLoadGetsOnlyAnswers) {
  if (!have("wrk")) GTEST_SKIP() << "wrk missing (scripts/test installs it)";
  Served s;
  const Ran w = run({"wrk", "-t1", "-c32", "-d1s", "--timeout", "5s", s.url("/hello")});
  ASSERT_EQ(w.code, 0) << w.err;
  EXPECT_NE(w.out.find("Requests/sec:"), std::string::npos) << w.out;
  EXPECT_EQ(w.out.find("Socket errors"), std::string::npos) << w.out;
  EXPECT_EQ(w.out.find("Non-2xx"), std::string::npos) << w.out;
  EXPECT_GT(s.server.requests_served(), 100u) << w.out;
  s.server.stop(5s);
}

// ---- the client against openssl s_server: TLS with a CA the test makes ---------------------------

namespace {

struct TlsFiles {
  std::string dir;
  TlsFiles() {
    char tmpl[] = "/tmp/pinfiber-http-tls.XXXXXX";
    dir = ::mkdtemp(tmpl);
    const std::string script =
        "set -e; cd " + dir +
        "\n"
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=pinfiber-test-ca "
        "2>/dev/null\n"
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj /CN=other-ca "
        "2>/dev/null\n"
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null\n"
        "printf 'subjectAltName=DNS:localhost\\n' > ext.cnf\n"
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
        "-extfile ext.cnf 2>/dev/null\n";
    ok = std::system(("/bin/sh -c '" + escape(script) + "'").c_str()) == 0;
  }
  ~TlsFiles() { std::system(("rm -rf " + dir).c_str()); }
  static std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out;
  }
  bool ok = false;
};

}  // namespace

TEST_F(HttpRealClientsTest, TlsWithTheTestsOwnCa) {
  if (!have("openssl")) GTEST_SKIP() << "openssl missing";
  TlsFiles tls;
  ASSERT_TRUE(tls.ok);
  auto probe = pinfiber::Socket::tcp();
  probe.bind(pinfiber::Address::loopback(AF_INET, 0));
  const std::uint16_t port = probe.local_address().port();
  probe.close();
  // -www: answers any GET with a status page. Killed at the end of the test.
  pinfiber::Subprocess server(
      {"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert", tls.dir + "/server.pem", "-key",
       tls.dir + "/server.key", "-www", "-quiet"},
      {.in = pinfiber::Stdio::null, .out = pinfiber::Stdio::null, .err = pinfiber::Stdio::null});
  struct Stop {
    pinfiber::Subprocess& p;
    ~Stop() {
      p.kill();
      p.wait(5s);
    }
  } stop{server};
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {  // bounded: 10 s at most for it to listen
    try {
      auto s = pinfiber::Socket::tcp();
      s.connect(pinfiber::Address::parse("127.0.0.1", port), 1s);
      up = true;
    } catch (const pinfiber::Error&) {
      pinfiber::sleep(100ms);
    }
  }
  ASSERT_TRUE(up) << "openssl s_server did not listen";
  const std::string url = "https://localhost:" + std::to_string(port) + "/";

  http::Client trusting({.ca_file = tls.dir + "/ca.pem"});
  http::Response r = trusting.get(url, {.timeout = 20s});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("s_server"), std::string::npos) << r.body.substr(0, 200);

  http::Client wrong_ca({.ca_file = tls.dir + "/other.pem"});
  try {
    wrong_ca.get(url, {.timeout = 20s});
    ADD_FAILURE() << "a certificate from an unknown CA was accepted";
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.cause(), http::Cause::tls) << e.what();
    EXPECT_TRUE(std::string(e.what()).starts_with("GET " + url + ": TLS failed (")) << e.what();
  }
  // The certificate names localhost, not 127.0.0.1.
  const std::string by_address = "https://127.0.0.1:" + std::to_string(port) + "/";
  try {
    trusting.get(by_address, {.timeout = 20s});
    ADD_FAILURE() << "a certificate for another name was accepted";
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.cause(), http::Cause::tls) << e.what();
    EXPECT_NE(std::string(e.what()).find("127.0.0.1"), std::string::npos) << e.what();
  }
}
