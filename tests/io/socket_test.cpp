// Socket against real peers on loopback, both ends in this hub: errors name the operation and the
// address, timeouts come from the socket, injected EINTR/EMFILE go through the OS seam.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "io/io_fixture.hpp"
#include "pinfiber/io/detail/sys.hpp"

using namespace std::chrono_literals;
using pinfiber::Address;
using pinfiber::Socket;
using pinfiber::spawn;

namespace {

Socket listener(int family = AF_INET, int backlog = 128) {
  auto s = Socket::tcp(family);
  s.set_reuse_address();
  s.bind(Address::loopback(family, 0));
  s.listen(backlog);
  return s;
}

std::string recv_all(Socket& s) {
  std::string out;
  char buf[4096];
  while (std::size_t n = s.recv(buf, sizeof buf)) out.append(buf, n);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

class SocketTest : public IoTest {};

TEST_F(SocketTest, TcpEchoOverIpv4AndIpv6) {
  for (int family : {AF_INET, AF_INET6}) {
    auto server = listener(family);
    const Address where = server.local_address();
    EXPECT_EQ(where.family(), family);
    auto echo = spawn([&] {
      Address peer;
      Socket c = server.accept(&peer);
      EXPECT_EQ(peer.family(), family);
      char buf[64];
      std::size_t n = c.recv(buf, sizeof buf);
      c.send_all(buf, n);
    });
    auto client = Socket::tcp(family);
    client.connect(where, 1s);
    EXPECT_EQ(client.peer_address(), where);
    client.send_all("hello");
    char got[5];
    client.recv_exact(got, sizeof got);
    EXPECT_EQ(std::string(got, 5), "hello");
    echo.join();
  }
}

TEST_F(SocketTest, ConnectionRefusedNamesTheAddress) {
  // Bound but not listening: the port is ours and a SYN to it gets a reset.
  auto closed = Socket::tcp();
  closed.bind(Address::loopback(AF_INET, 0));
  const Address target = closed.local_address();
  auto c = Socket::tcp();
  try {
    c.connect(target, 1s);
    FAIL() << "connected";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ECONNREFUSED);
    EXPECT_EQ(std::string(e.what()), "connect to " + target.to_string() + ": Connection refused");
  }
}

TEST_F(SocketTest, HalfCloseLetsThePeerReplyAfterEof) {
  auto server = listener();
  auto srv = spawn([&] {
    Socket c = server.accept();
    std::string request = recv_all(c);  // ends at the client's shutdown(SHUT_WR)
    c.send_all("got " + request);
  });
  auto client = Socket::tcp();
  client.connect(server.local_address());
  client.send_all("abc");
  client.shutdown(SHUT_WR);
  EXPECT_EQ(recv_all(client), "got abc");
  srv.join();
}

TEST_F(SocketTest, PeerResetDuringSendAllIsConnectionReset) {
  auto server = listener();
  auto srv = spawn([&] {
    Socket c = server.accept();
    char buf[1024];
    (void)c.recv(buf, sizeof buf);
    // SO_LINGER with a zero timeout turns close into a reset (RST) instead of an orderly FIN.
    linger l{1, 0};
    ASSERT_EQ(::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &l, sizeof l), 0);
  });
  auto client = Socket::tcp();
  client.connect(server.local_address());
  std::vector<char> big(64 << 20, 'x');
  try {
    client.send_all(big.data(), big.size());
    FAIL() << "64 MiB sent to a peer that reset";
  } catch (const std::system_error& e) {
    EXPECT_TRUE(e.code().value() == ECONNRESET || e.code().value() == EPIPE) << e.what();
    EXPECT_TRUE(contains(e.what(), "send_all to " + server.local_address().to_string())) << e.what();
  }
  srv.join();
}

TEST_F(SocketTest, RecvTimeoutIsTheSocketsOwn) {
  auto server = listener();
  auto srv = spawn([&] {
    Socket c = server.accept();
    pinfiber::sleep(10s);
  });
  auto client = Socket::tcp();
  client.connect(server.local_address());
  client.set_timeout(2s);
  const auto t0 = pinfiber::Clock::now();
  char buf[8];
  try {
    (void)client.recv(buf, sizeof buf);
    FAIL() << "recv returned";
  } catch (const pinfiber::TimeoutError& e) {
    EXPECT_EQ(e.code().value(), ETIMEDOUT);
    EXPECT_TRUE(contains(e.what(), "recv from " + server.local_address().to_string())) << e.what();
  }
  EXPECT_EQ(pinfiber::Clock::now() - t0, 2s);
  srv.kill();
}

TEST_F(SocketTest, RecvExactReportsAShortStream) {
  auto server = listener();
  auto srv = spawn([&] {
    Socket c = server.accept();
    c.send_all("abc");
  });
  auto client = Socket::tcp();
  client.connect(server.local_address());
  char buf[8];
  try {
    client.recv_exact(buf, 8);
    FAIL();
  } catch (const pinfiber::Error& e) {
    EXPECT_TRUE(contains(e.what(), "end of file after 3 of 8 bytes")) << e.what();
  }
  srv.join();
}

TEST_F(SocketTest, UdpDatagramsBothFamilies) {
  for (int family : {AF_INET, AF_INET6}) {
    auto a = Socket::udp(family);
    a.bind(Address::loopback(family, 0));
    auto b = Socket::udp(family);
    b.bind(Address::loopback(family, 0));
    auto reader = spawn([&] {
      char buf[64];
      Address from;
      std::size_t n = a.recvfrom(buf, sizeof buf, &from);
      EXPECT_EQ(from, b.local_address());
      return std::string(buf, n);
    });
    pinfiber::sleep(0);
    EXPECT_EQ(b.sendto("ping", 4, a.local_address()), 4u);
    EXPECT_EQ(reader.get(), "ping");
  }
}

TEST_F(SocketTest, UnixStreamSocket) {
  const std::string path = "/tmp/pinfiber-test-" + std::to_string(::getpid()) + ".sock";
  ::unlink(path.c_str());
  auto server = Socket::unix_stream();
  server.bind(Address::unix_path(path));
  server.listen();
  auto srv = spawn([&] {
    Socket c = server.accept();
    c.send_all("unix!");
  });
  auto client = Socket::unix_stream();
  client.connect(Address::unix_path(path));
  EXPECT_EQ(recv_all(client), "unix!");
  srv.join();
  EXPECT_EQ(server.local_address().to_string(), "unix:" + path);
  ::unlink(path.c_str());
}

TEST_F(SocketTest, AcceptErrorsNameTheListener) {
  auto server = listener();
  pinfiber::detail::SysOverride fail_accept(
      &pinfiber::detail::Sys::accept4, +[](int, sockaddr*, socklen_t*, int) {
        errno = EMFILE;
        return -1;
      });
  try {
    (void)server.accept();
    FAIL();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EMFILE);
    EXPECT_EQ(std::string(e.what()), "accept on " + server.local_address().to_string() + ": Too many open files");
  }
}

TEST_F(SocketTest, InterruptedCallsAreRetried) {
  static std::atomic<int> interrupts{0};
  interrupts = 0;
  auto server = listener();
  auto srv = spawn([&] {
    Socket c = server.accept();
    c.send_all("ok");
  });
  // connect: the kernel started the handshake, then a signal arrived; recv: interrupted once.
  pinfiber::detail::SysOverride eintr_connect(
      &pinfiber::detail::Sys::connect, +[](int fd, const sockaddr* a, socklen_t l) {
        (void)::connect(fd, a, l);
        ++interrupts;
        errno = EINTR;
        return -1;
      });
  pinfiber::detail::SysOverride eintr_recv(
      &pinfiber::detail::Sys::recv, +[](int fd, void* b, std::size_t n, int f) {
        if (interrupts++ == 1) {
          errno = EINTR;
          return ssize_t{-1};
        }
        return ::recv(fd, b, n, f);
      });
  auto client = Socket::tcp();
  client.connect(server.local_address(), 1s);
  EXPECT_EQ(recv_all(client), "ok");
  EXPECT_GE(interrupts.load(), 2);
  srv.join();
}

TEST_F(SocketTest, ClosingASocketWakesItsReader) {
  auto server = listener();
  auto client = Socket::tcp();
  client.connect(server.local_address());
  Socket accepted = server.accept();
  auto reader = spawn([&] {
    char buf[4];
    try {
      (void)client.recv(buf, sizeof buf);
    } catch (const std::system_error& e) {
      return e.code().value();
    }
    return 0;
  });
  pinfiber::sleep(0);
  client.close();
  EXPECT_EQ(reader.get(), EBADF);
}

TEST_F(SocketTest, OptionsAndAddresses) {
  auto s = Socket::tcp(AF_INET6);
  s.set_reuse_address();
  EXPECT_EQ(s.option(SOL_SOCKET, SO_REUSEADDR), 1);
  s.set_nodelay();
  EXPECT_EQ(s.option(IPPROTO_TCP, TCP_NODELAY), 1);
  EXPECT_EQ(Address::parse("::1", 80).to_string(), "[::1]:80");
  EXPECT_EQ(Address::parse("127.0.0.1", 9).to_string(), "127.0.0.1:9");
  EXPECT_THROW(Address::parse("localhost", 1), pinfiber::Error);
  try {
    s.bind(Address::parse("::1", 1));  // below 1024: refused unless root
  } catch (const std::system_error& e) {
    EXPECT_TRUE(contains(e.what(), "bind to [::1]:1")) << e.what();
  }
}
