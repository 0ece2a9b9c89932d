// echo: the TCP echo server of the network benchmark (bench/echo_compare.sh) - gevent's
// StreamServer example in pinfiber. Usage: echo [port] (default 7000; 0 picks a free one).
// Prints the address it listens on, then serves until SIGINT/SIGTERM.

#include <signal.h>

#include <cstdio>

#include <pinfiber/pinfiber.hpp>

#include "command_line.hpp"

int main(int argc, char** argv) {
  example::CommandLine args(argc, argv, "[port]   (default 7000; 0: any free port)");
  const auto port = static_cast<std::uint16_t>(args.number_argument("port", 7000, 0, 65535));
  args.done();
  pinfiber::StreamServer server(pinfiber::Address::loopback(AF_INET, port),
                                [](pinfiber::Socket& c, const pinfiber::Address&) {
                                  char buf[4096];
                                  while (std::size_t n = c.recv(buf, sizeof buf)) c.send_all(buf, n);
                                });
  pinfiber::SignalHandler on_int(SIGINT, pinfiber::shutdown);
  pinfiber::SignalHandler on_term(SIGTERM, pinfiber::shutdown);
  server.start();
  std::printf("listening on %s\n", server.address().to_string().c_str());
  std::fflush(stdout);
  try {
    server.serve_forever();
  } catch (const pinfiber::GreenletExit&) {
  }
  server.stop(std::chrono::seconds(1));
  return 0;
}
