// Story 7's crash, reproduced for real: the process runs out of fds (a lowered RLIMIT_NOFILE) while
// clients keep connecting. The server must survive, keep serving what it accepted, and accept the
// rest as soon as finished connections free their fds.

#include <sys/resource.h>

#include <string>
#include <vector>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::Address;
using pinfiber::Socket;
using pinfiber::spawn;

class StreamServerEmfileTest : public RealIoTest {};

TEST_F(StreamServerEmfileTest, SurvivesEmfileAndServesAgainOnceFdsFree) {
  // Runs under ASan+UBSan too: their build leaves out UBSan's vptr check, which would need a free fd
  // (cmake/PinfiberFlags.cmake).
  constexpr int kClients = 12;
  pinfiber::StreamServer server(Address::loopback(AF_INET, 0), [](Socket& c, const Address&) {
    char buf[64];
    while (std::size_t n = c.recv(buf, sizeof buf)) c.send_all(buf, n);
  });
  server.start();
  // Client sockets exist before the limit drops (connect needs no new fd); the server may then
  // hold two connections at a time.
  std::vector<Socket> sockets;
  for (int i = 0; i < kClients; ++i) sockets.push_back(Socket::tcp());
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(pinfiber_test::open_fd_count() + 2);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);

  std::vector<pinfiber::Greenlet<std::string>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(spawn([&, i] {
      Socket c = std::move(sockets[static_cast<std::size_t>(i)]);
      c.set_timeout(10s);
      c.connect(server.address());
      const std::string msg = "client " + std::to_string(i);
      c.send_all(msg);
      std::string back(msg.size(), '\0');
      c.recv_exact(back.data(), back.size());
      return back;  // closing c ends its handler, which frees the server's fd
    }));
  }
  int served = 0;
  for (int i = 0; i < kClients; ++i)
    served += clients[static_cast<std::size_t>(i)].get() == "client " + std::to_string(i);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_EQ(served, kClients);
  EXPECT_GT(server.accept_errors(), 0u) << "the lowered limit never bit";
  server.stop(5s);
}
