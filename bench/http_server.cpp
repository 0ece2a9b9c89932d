// The HTTP server under wrk (bench/http_compare.sh): GET /json answers a small JSON document, as
// TechEmpower's JSON test does; GET /text a short plain text. Keep-alive, one hub, one thread.
//   bench_http_server PORT

#include <cstdio>
#include <cstdlib>

#include <pinfiber/http.hpp>
#include <pinfiber/pinfiber.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_http_server PORT\n");
    return 2;
  }
  namespace http = pinfiber::http;
  http::Server server(pinfiber::Address::parse("127.0.0.1", static_cast<std::uint16_t>(std::atoi(argv[1]))),
                      {.max_connections = 1024});
  server.get("/json", [](const http::Request&, http::ResponseWriter& res) {
    http::send_json(res, {{"message", "Hello, World!"}});
  });
  server.get("/text", [](const http::Request&, http::ResponseWriter& res) { res.send("Hello, World!"); });
  server.serve_forever();
}
