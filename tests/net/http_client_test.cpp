// The HTTP client against pinfiber's own server (and raw sockets for broken servers) in the same hub,
// on the paused clock: timeouts and concurrency are exact. libcurl's own timers run on the real
// clock, and loopback I/O is seen by the hub's poll before the paused clock jumps.

#include <curl/curl.h>
#include <sys/socket.h>

#include <map>
#include <string>
#include <vector>

#include "io/fake_dns.hpp"
#include "net/http_fixture.hpp"

using namespace std::chrono_literals;
namespace http = pinfiber::http;

namespace {

// A server that answers /echo with the method, headers it was asked about and the body.
struct EchoServer {
  http::Server server{pinfiber::Address::loopback(AF_INET, 0)};
  std::vector<std::uint16_t> peer_ports;
  EchoServer() {
    server.route("*", "/echo", [this](const http::Request& req, http::ResponseWriter& res) {
      peer_ports.push_back(req.peer.port());
      res.header("X-Method", req.method);
      res.header("X-Seen-Token", std::string(req.header("X-Token")));
      res.header("X-Seen-Agent", std::string(req.header("User-Agent")));
      res.send(req.method + " " + req.target + " " + req.body);
    });
    server.get("/missing", [](const http::Request&, http::ResponseWriter& res) { res.send(404, "no such thing"); });
    server.get("/slow", [](const http::Request&, http::ResponseWriter& res) {
      pinfiber::sleep(10s);
      res.send("finally");
    });
    server.get("/sleep1", [](const http::Request&, http::ResponseWriter& res) {
      pinfiber::sleep(1s);
      res.send("slept");
    });
    server.get("/hop/{n}", [](const http::Request& req, http::ResponseWriter& res) {
      const int n = std::stoi(std::string(req.param("n")));
      res.header("Location", n > 0 ? "/hop/" + std::to_string(n - 1) : "/echo");
      res.send(302, "");
    });
    server.route("*", "/see-other", [](const http::Request&, http::ResponseWriter& res) {
      res.header("Location", "/echo");
      res.send(303, "");
    });
    server.route("*", "/temporary", [](const http::Request&, http::ResponseWriter& res) {
      res.header("Location", "/echo");
      res.send(307, "");
    });
    server.start();
  }
  std::string url(const std::string& path) const { return "http://" + server.address().to_string() + path; }
};

}  // namespace

class HttpClientTest : public HttpTest {};

TEST_F(HttpClientTest, GetReturnsStatusHeadersAndBody) {
  EchoServer s;
  http::Response r = http::get(s.url("/echo?x=1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.body, "GET /echo?x=1 ");
  EXPECT_EQ(r.headers.value("x-method"), "GET");
  EXPECT_EQ(r.headers.value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.url, s.url("/echo?x=1"));
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.redirects, 0);
}

TEST_F(HttpClientTest, MethodsCarryTheirBodies) {
  EchoServer s;
  EXPECT_EQ(http::post(s.url("/echo"), "a=1").body, "POST /echo a=1");
  EXPECT_EQ(http::put(s.url("/echo"), "{}").body, "PUT /echo {}");
  EXPECT_EQ(http::client().patch(s.url("/echo"), "p").body, "PATCH /echo p");
  EXPECT_EQ(http::del(s.url("/echo")).body, "DELETE /echo ");
  http::Response head = http::client().head(s.url("/echo"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.headers.value("X-Method"), "HEAD");
  EXPECT_EQ(head.headers.value("Content-Length"), "11");  // what the handler sent: "HEAD /echo "
}

TEST_F(HttpClientTest, HeadersOfTheRequestAndTheClient) {
  EchoServer s;
  http::Client c({.headers = {{"X-Token", "client-default"}}, .user_agent = "doorbell/1.0"});
  EXPECT_EQ(c.get(s.url("/echo")).headers.value("X-Seen-Token"), "client-default");
  http::Response r = c.get(s.url("/echo"), {.headers = {{"X-Token", "per-request"}}});
  EXPECT_EQ(r.headers.value("X-Seen-Token"), "per-request");
  EXPECT_EQ(r.headers.value("X-Seen-Agent"), "doorbell/1.0");
}

TEST_F(HttpClientTest, AnErrorStatusIsDataUnlessAsked) {
  EchoServer s;
  http::Response r = http::get(s.url("/missing"));
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.body, "no such thing");
  try {
    http::get(s.url("/missing"), {.raise_for_status = true});
    FAIL() << "no StatusError";
  } catch (const http::StatusError& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_EQ(std::string(e.what()), "GET " + s.url("/missing") + ": HTTP 404 Not Found");
  }
}

TEST_F(HttpClientTest, ConnectionIsReusedAcrossGreenlets) {
  EchoServer s;
  http::get(s.url("/echo"));
  pinfiber::spawn([&] { http::get(s.url("/echo")); }).join();
  pinfiber::spawn([&] { http::post(s.url("/echo"), "x"); }).join();
  ASSERT_EQ(s.peer_ports.size(), 3u);
  EXPECT_EQ(s.peer_ports[0], s.peer_ports[1]);
  EXPECT_EQ(s.peer_ports[1], s.peer_ports[2]);
}

TEST_F(HttpClientTest, ConcurrentRequestsTakeTheLongestNotTheSum) {
  EchoServer s;
  std::vector<pinfiber::Greenlet<int>> requests;
  for (int i = 0; i < 10; ++i) requests.push_back(pinfiber::spawn([&] { return http::get(s.url("/sleep1")).status; }));
  pinfiber::joinall(requests);
  for (auto& g : requests) EXPECT_EQ(g.get(), 200);
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(HttpClientTest, TimeoutIsATimeoutErrorNamingTheRequest) {
  EchoServer s;
  try {
    http::get(s.url("/slow"), {.timeout = 2s});
    FAIL() << "no timeout";
  } catch (const pinfiber::TimeoutError& e) {
    EXPECT_EQ(std::string(e.what()),
              "GET " + s.url("/slow") + ": timed out after 2.000 s (request sent, no response yet)");
  }
  EXPECT_EQ(elapsed(), 2s);
  // The client's own default applies when the request has none.
  http::Client patient({.timeout = 3s});
  EXPECT_THROW(patient.get(s.url("/slow")), pinfiber::TimeoutError);
  EXPECT_EQ(elapsed(), 5s);
  s.server.stop(0);
}

TEST_F(HttpClientTest, ScopedTimeoutAbandonsTheTransfer) {
  EchoServer s;
  pinfiber::Timeout t(1500ms);
  EXPECT_THROW(http::get(s.url("/slow")), pinfiber::Timeout);
  EXPECT_EQ(elapsed(), 1500ms);
  s.server.stop(0);
}

TEST_F(HttpClientTest, KillAbandonsTheTransfer) {
  EchoServer s;
  auto g = pinfiber::spawn([&] { http::get(s.url("/slow")); });
  pinfiber::sleep(1s);
  g.kill();
  EXPECT_TRUE(g.join(1s));
  s.server.stop(0);
}

TEST_F(HttpClientTest, RefusedConnectionNamesMethodUrlAndCause) {
  auto probe = pinfiber::Socket::tcp();
  probe.bind(pinfiber::Address::loopback(AF_INET, 0));
  const std::string url = "http://" + probe.local_address().to_string() + "/status";
  probe.close();  // bound, never listening, now closed: nothing there
  try {
    http::get(url);
    FAIL() << "no error";
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.cause(), http::Cause::refused);
    EXPECT_EQ(e.code(), std::errc::connection_refused);
    EXPECT_TRUE(std::string(e.what()).starts_with("GET " + url + ": connection refused (")) << e.what();
  }
}

TEST_F(HttpClientTest, UnknownHostIsADnsError) {
  use_real_clock();  // c-ares times its retries on the real clock
  pinfiber_test::FakeDns dns;
  pinfiber::Resolver names({.servers = {dns.address()}});
  http::Client c({.resolver = &names});
  try {
    c.get("http://missing.test:8080/x");
    FAIL() << "no error";
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.cause(), http::Cause::dns);
    EXPECT_TRUE(std::string(e.what()).starts_with("GET http://missing.test:8080/x: resolve 'missing.test': "))
        << e.what();
  }
}

TEST_F(HttpClientTest, NamesAreResolvedByTheHub) {
  EchoServer s;
  // localhost comes from /etc/hosts through pinfiber's resolver; TLS and Host keep the name.
  http::Response r = http::get("http://localhost:" + std::to_string(s.server.address().port()) + "/echo");
  EXPECT_EQ(r.status, 200);
}

TEST_F(HttpClientTest, BadUrls) {
  EXPECT_THROW(
      {
        try {
          http::get("ftp://127.0.0.1/x");
        } catch (const http::HttpError& e) {
          EXPECT_EQ(e.cause(), http::Cause::bad_url);
          EXPECT_STREQ(e.what(), "GET ftp://127.0.0.1/x: only http:// and https:// URLs are supported");
          throw;
        }
      },
      http::HttpError);
  EXPECT_THROW(http::get("http://"), http::HttpError);
}

TEST_F(HttpClientTest, RedirectsAreFollowed) {
  EchoServer s;
  http::Response r = http::get(s.url("/hop/2"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.redirects, 3);
  EXPECT_EQ(r.url, s.url("/echo"));
  EXPECT_EQ(r.body, "GET /echo ");
  // 303 turns a POST into a GET; 307 repeats the POST with its body.
  EXPECT_EQ(http::post(s.url("/see-other"), "data").body, "GET /echo ");
  EXPECT_EQ(http::post(s.url("/temporary"), "data").body, "POST /echo data");
  // Not followed when told so: the redirect is the response.
  http::Response raw = http::get(s.url("/hop/0"), {.follow_redirects = false});
  EXPECT_EQ(raw.status, 302);
  EXPECT_EQ(raw.headers.value("Location"), "/echo");
}

TEST_F(HttpClientTest, TooManyRedirects) {
  EchoServer s;
  http::Client c({.max_redirects = 2});
  try {
    c.get(s.url("/hop/5"));
    FAIL() << "no error";
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.cause(), http::Cause::too_many_redirects);
    EXPECT_EQ(std::string(e.what()),
              "GET " + s.url("/hop/5") + ": more than 2 redirects (the last to " + s.url("/hop/2") + ")");
  }
}

TEST_F(HttpClientTest, BodyStreamDeliversChunksAsTheyCome) {
  http::Server server(pinfiber::Address::loopback(AF_INET, 0));
  pinfiber::Event first_seen;
  server.get("/feed", [&](const http::Request&, http::ResponseWriter& res) {
    res.begin("text/plain");
    res.write("one;");
    // The client must have read the first piece before the second is even written.
    EXPECT_TRUE(first_seen.wait(5s));
    pinfiber::sleep(1s);
    res.write("two;");
    res.write("three;");
  });
  server.start();
  http::BodyStream s = http::client().stream("GET", url(server, "/feed"));
  EXPECT_EQ(s.status(), 200);
  EXPECT_EQ(s.response().headers.value("Transfer-Encoding"), "chunked");
  EXPECT_EQ(s.read(), "one;");
  first_seen.set();
  std::string rest;
  for (const std::string& chunk : s) rest += chunk;
  EXPECT_EQ(rest, "two;three;");
  EXPECT_TRUE(s.done());
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(HttpClientTest, BodyStreamHoldsBackWhatTheReaderDoesNotTake) {
  http::Server server(pinfiber::Address::loopback(AF_INET, 0));
  const std::string piece(64 * 1024, 'x');
  constexpr std::size_t total = 32u << 20;  // more than loopback's socket buffers can hold
  std::size_t written = 0;
  server.get("/big", [&](const http::Request&, http::ResponseWriter& res) {
    res.begin("application/octet-stream");
    while (written < total) {
      res.write(piece);
      written += piece.size();
    }
  });
  server.start();
  http::Client c({.stream_buffer = 16 * 1024});
  http::BodyStream s = c.stream("GET", url(server, "/big"));
  std::size_t got = s.read().size();
  // The reader dawdles: the transfer pauses, TCP fills up and the server's writes block.
  pinfiber::sleep(1s);
  EXPECT_LT(written, total) << "the server was never held back";
  std::size_t largest = 0;
  for (const std::string& chunk : s) {
    got += chunk.size();
    largest = std::max(largest, chunk.size());
  }
  EXPECT_EQ(got, total);
  EXPECT_LE(largest, 16u * 1024 + CURL_MAX_WRITE_SIZE);  // the buffer, plus one delivery from libcurl
}

TEST_F(HttpClientTest, BodyLargerThanTheLimit) {
  http::Server server(pinfiber::Address::loopback(AF_INET, 0));
  server.get("/big", [&](const http::Request&, http::ResponseWriter& res) { res.send(std::string(2 << 20, 'y')); });
  server.start();
  http::Client c({.max_body = 1 << 20});
  try {
    c.get(url(server, "/big"));
    FAIL() << "no error";
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.cause(), http::Cause::too_large);
    EXPECT_EQ(std::string(e.what()), "GET " + url(server, "/big") +
                                         ": the response body is larger than 1048576 bytes (ClientOptions::max_body)");
  }
}

TEST_F(HttpClientTest, ResetAndEmptyRepliesNameTheirCause) {
  // A raw server that reads the request, then resets (SO_LINGER 0) or just closes.
  bool reset = true;
  pinfiber::StreamServer raw(pinfiber::Address::loopback(AF_INET, 0),
                             [&](pinfiber::Socket& c, const pinfiber::Address&) {
                               char buf[1024];
                               std::string head;
                               while (head.find("\r\n\r\n") == std::string::npos) {
                                 const std::size_t n = c.recv(buf, sizeof buf);
                                 if (n == 0) return;
                                 head.append(buf, n);
                               }
                               if (reset) {
                                 const linger abort{.l_onoff = 1, .l_linger = 0};
                                 ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
                               }
                               c.close();
                             });
  raw.start();
  const std::string url = "http://" + raw.address().to_string() + "/x";
  try {
    http::get(url);
    FAIL() << "no error";
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.cause(), http::Cause::reset) << e.what();
    EXPECT_EQ(e.code(), std::errc::connection_reset);
    EXPECT_TRUE(std::string(e.what()).starts_with("GET " + url + ": connection reset (")) << e.what();
  }
  reset = false;
  try {
    http::get(url);
    FAIL() << "no error";
  } catch (const http::HttpError& e) {
    EXPECT_EQ(e.cause(), http::Cause::empty_reply) << e.what();
    EXPECT_EQ(std::string(e.what()), "GET " + url + ": the server closed the connection without answering");
  }
  raw.stop(0);
}
