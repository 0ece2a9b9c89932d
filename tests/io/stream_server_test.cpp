// StreamServer: a greenlet per connection, Pool bounds, graceful stop, back-off when out of fds.

#include <netinet/in.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "io/io_fixture.hpp"
#include "pinfiber/io/detail/sys.hpp"

using namespace std::chrono_literals;
using pinfiber::Address;
using pinfiber::Socket;
using pinfiber::spawn;
using pinfiber::StreamServer;

namespace {

void echo(Socket& c, const Address&) {
  char buf[256];
  while (std::size_t n = c.recv(buf, sizeof buf)) c.send_all(buf, n);
}

std::string round_trip(const Address& server, const std::string& msg) {
  auto c = Socket::tcp(server.family());
  c.connect(server);
  c.send_all(msg);
  std::string back(msg.size(), '\0');
  c.recv_exact(back.data(), back.size());
  return back;
}

}  // namespace

class StreamServerTest : public IoTest {};

TEST_F(StreamServerTest, EchoesForSeveralClientsAtOnce) {
  StreamServer server(Address::loopback(AF_INET6, 0), echo);
  server.start();
  EXPECT_NE(server.address().port(), 0);
  std::vector<pinfiber::Greenlet<std::string>> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(spawn(round_trip, server.address(), "msg " + std::to_string(i)));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(clients[i].get(), "msg " + std::to_string(i));
  server.stop();
  EXPECT_EQ(server.connection_count(), 0u);
}

TEST_F(StreamServerTest, PoolBoundsConcurrentHandlers) {
  pinfiber::Pool pool(2);
  int running = 0, peak = 0;
  StreamServer server(
      Address::loopback(AF_INET, 0),
      [&](Socket& c, const Address&) {
        peak = std::max(peak, ++running);
        pinfiber::sleep(1s);
        --running;
        c.send_all("done");
      },
      &pool);
  server.start();
  std::vector<pinfiber::Greenlet<std::string>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(spawn([&] {
      auto c = Socket::tcp();
      c.connect(server.address());
      char buf[4];
      c.recv_exact(buf, 4);
      return std::string(buf, 4);
    }));
  }
  for (auto& c : clients) EXPECT_EQ(c.get(), "done");
  EXPECT_EQ(peak, 2);
  EXPECT_EQ(elapsed(), 3s);  // six one-second handlers, two at a time
  server.stop();
}

TEST_F(StreamServerTest, StopLetsHandlersFinishWithinTheTimeout) {
  bool finished = false;
  StreamServer server(Address::loopback(AF_INET, 0), [&](Socket&, const Address&) {
    pinfiber::sleep(1s);
    finished = true;
  });
  server.start();
  auto c = Socket::tcp();
  c.connect(server.address());
  pinfiber::sleep(10ms);
  server.stop(5s);
  EXPECT_TRUE(finished);
  EXPECT_EQ(elapsed(), 1s);
  // No longer listening.
  auto late = Socket::tcp();
  EXPECT_THROW(late.connect(server.address()), std::system_error);
}

TEST_F(StreamServerTest, StopKillsHandlersThatOutliveTheTimeout) {
  int unwound = 0;
  StreamServer server(Address::loopback(AF_INET, 0), [&](Socket&, const Address&) {
    struct Guard {
      int& n;
      ~Guard() { ++n; }
    } g{unwound};
    pinfiber::sleep(1h);
  });
  server.start();
  auto c1 = Socket::tcp();
  c1.connect(server.address());
  auto c2 = Socket::tcp();
  c2.connect(server.address());
  pinfiber::sleep(10ms);
  EXPECT_EQ(server.connection_count(), 2u);
  server.stop(2s);
  EXPECT_EQ(unwound, 2);
  EXPECT_EQ(elapsed(), 10ms + 2s);
  char buf[1];
  EXPECT_EQ(c1.recv(buf, 1), 0u);  // the killed handler's socket was closed
}

TEST_F(StreamServerTest, OutOfFdsBacksOffDoublingAndKeepsServing) {
  static int failures_left = 0;
  failures_left = 4;
  StreamServer server(Address::loopback(AF_INET, 0), echo);
  server.start();
  // An established connection, served before accept starts failing.
  auto first = Socket::tcp();
  first.connect(server.address());
  first.send_all("a");
  char buf[1];
  first.recv_exact(buf, 1);

  pinfiber::detail::SysOverride emfile(
      &pinfiber::detail::Sys::accept4, +[](int fd, sockaddr* a, socklen_t* l, int f) {
        if (failures_left > 0) {
          --failures_left;
          errno = EMFILE;
          return -1;
        }
        return ::accept4(fd, a, l, f);
      });
  const auto t0 = pinfiber::Clock::now();
  const auto iterations0 = pinfiber::hub().loop_iterations();
  auto second = spawn(round_trip, server.address(), std::string("second"));
  // Meanwhile the first connection is still served.
  first.send_all("b");
  first.recv_exact(buf, 1);
  EXPECT_EQ(buf[0], 'b');
  EXPECT_EQ(second.get(), "second");
  EXPECT_EQ(server.accept_errors(), 4u);
  EXPECT_EQ(pinfiber::Clock::now() - t0, 10ms + 20ms + 40ms + 80ms);
  EXPECT_LT(pinfiber::hub().loop_iterations() - iterations0, 50u) << "accept back-off spun the loop";
  first.close();  // its handler ends at EOF; stop() waits for it
  server.stop();
}

TEST_F(StreamServerTest, ServeForeverReturnsOnStop) {
  StreamServer server(Address::loopback(AF_INET, 0), echo);
  auto stopper = spawn([&] {
    pinfiber::sleep(1s);
    EXPECT_EQ(round_trip(server.address(), "x"), "x");
    server.stop();
  });
  server.serve_forever();
  stopper.join();
  EXPECT_EQ(elapsed(), 1s);
}

TEST_F(StreamServerTest, ABurstOfConnectsWaitsInTheBacklogTheOptionsGive) {
  // Before the accept loop first runs, the kernel completes handshakes only while the backlog has
  // room: a connect beyond it stays pending (its SYN dropped), one within it is established at once.
  auto established_of = [](int backlog) {
    StreamServer server(Address::loopback(AF_INET, 0), echo, {.backlog = backlog});
    server.start();  // the accept loop is spawned, not run: this greenlet does not yield below
    std::vector<Socket> clients;
    int established = 0;
    for (int i = 0; i < 64; ++i) {
      clients.push_back(Socket::tcp());
      const sockaddr_in to = [&] {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(server.address().port());
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return a;
      }();
      const int r = ::connect(clients.back().fd(), reinterpret_cast<const sockaddr*>(&to), sizeof to);
      EXPECT_TRUE(r == 0 || errno == EINPROGRESS) << std::strerror(errno);
      pollfd p{.fd = clients.back().fd(), .events = POLLOUT, .revents = 0};
      if (::poll(&p, 1, 0) == 1 && p.revents == POLLOUT) ++established;
    }
    server.stop();
    return established;
  };
  EXPECT_EQ(established_of(4), 5);  // Linux queues backlog + 1
  EXPECT_EQ(established_of(pinfiber::max_backlog), 64);
}

TEST_F(StreamServerTest, AConnectionTimeoutEndsAHandlerWhosePeerStopsReading) {
  std::string ended;
  int send_buffer = 0;
  StreamServer server(Address::loopback(AF_INET, 0),
                      [&](Socket& c, const Address&) {
                        send_buffer = c.option(SOL_SOCKET, SO_SNDBUF);
                        const std::string block(64 * 1024, 'x');
                        try {
                          for (;;) c.send_all(block);  // the peer reads nothing: the buffers fill, then send_all waits
                        } catch (const pinfiber::TimeoutError& e) {
                          ended = e.what();
                        }
                      },
                      {.connection_timeout = 2s, .send_buffer = 16 * 1024});
  server.start();
  auto sloth = Socket::tcp();
  sloth.set_option(SOL_SOCKET, SO_RCVBUF, 4096);
  sloth.connect(server.address());
  while (ended.empty()) pinfiber::sleep(100ms);
  EXPECT_EQ(send_buffer, 2 * 16 * 1024);  // the kernel doubles what it is given
  EXPECT_NE(ended.find("timed out"), std::string::npos) << ended;
  EXPECT_LT(elapsed(), 3s);  // 2 s after the buffers filled, not forever
  server.stop();
}
