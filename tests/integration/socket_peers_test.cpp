// Socket against real peers with real time: a listener whose backlog is full, many clients at once.

#include <sys/resource.h>

#include <string>
#include <vector>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::Address;
using pinfiber::Socket;
using pinfiber::spawn;

class SocketPeersTest : public RealIoTest {};

// A listener that never accepts, with its accept queue full, drops further SYNs (Linux,
// tcp_abort_on_overflow=0), so the next connect hangs in SYN retransmits: a connect timeout on
// loopback, with no unroutable address involved.
TEST_F(SocketPeersTest, ConnectTimesOutAgainstAFullBacklog) {
  auto server = Socket::tcp();
  server.bind(Address::loopback(AF_INET, 0));
  server.listen(0);
  const Address target = server.local_address();
  std::vector<Socket> queued;
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto c = Socket::tcp();
    const auto t0 = pinfiber::Clock::now();
    try {
      c.connect(target, 200ms);
      queued.push_back(std::move(c));
    } catch (const pinfiber::TimeoutError& e) {
      EXPECT_GE(pinfiber::Clock::now() - t0, 200ms);
      EXPECT_EQ(e.code().value(), ETIMEDOUT);
      EXPECT_EQ(std::string(e.what()), "connect to " + target.to_string() + ": timed out after 0.200 s");
      EXPECT_FALSE(queued.empty());
      return;
    }
  }
  FAIL() << "16 connects to a listener with backlog 0 all succeeded";
}

TEST_F(SocketPeersTest, AThousandConcurrentClients) {
  constexpr int kClients = 1000;
  auto server = Socket::tcp(AF_INET6);
  server.bind(Address::loopback(AF_INET6, 0));
  server.listen(kClients);
  std::vector<pinfiber::Greenlet<void>> handlers;
  auto acceptor = spawn([&] {
    for (int i = 0; i < kClients; ++i) {
      handlers.push_back(spawn([c = server.accept()]() mutable {
        char buf[64];
        while (std::size_t n = c.recv(buf, sizeof buf)) c.send_all(buf, n);
      }));
    }
  });
  std::vector<pinfiber::Greenlet<bool>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(spawn([&, i] {
      auto c = Socket::tcp(AF_INET6);
      c.set_timeout(20s);
      c.connect(server.local_address());
      const std::string msg = "client " + std::to_string(i) + "\n";
      // Every client waits for all the others to connect before talking: all 1000 at once.
      pinfiber::sleep(0);
      c.send_all(msg);
      std::string back(msg.size(), '\0');
      c.recv_exact(back.data(), back.size());
      return back == msg;
    }));
  }
  int ok = 0;
  for (auto& c : clients) ok += c.get() ? 1 : 0;
  EXPECT_EQ(ok, kClients);
  acceptor.join();
  pinfiber::joinall(handlers, 20s);
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u);
}
