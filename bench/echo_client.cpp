// Closed-loop load client for the echo benchmark: C connections, each sends one M-byte message and
// waits for it to come back before sending the next. One thread on epoll, so the client costs the
// same whichever server it measures. Prints messages per second over the measured interval.
// Usage: bench_echo_client PORT [connections=100] [seconds=5] [message=64]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PORT [connections] [seconds] [message]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int conns = argc > 2 ? std::atoi(argv[2]) : 100;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 5.0;
  const std::size_t size = argc > 4 ? static_cast<std::size_t>(std::atoi(argv[4])) : 64;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<int> fds;
  std::vector<std::size_t> got(static_cast<std::size_t>(conns), 0);
  std::vector<char> msg(size, 'x'), buf(65536);
  for (int i = 0; i < conns; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::perror("connect");
      return 1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    fds.push_back(fd);
  }
  using clock = std::chrono::steady_clock;
  const auto warmup_end = clock::now() + std::chrono::milliseconds(500);
  const auto end = warmup_end + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
  long long counted = 0;
  bool measuring = false;
  for (int fd : fds) (void)::send(fd, msg.data(), size, MSG_NOSIGNAL);
  epoll_event events[256];
  for (;;) {
    const int n = ::epoll_wait(ep, events, 256, 100);
    const auto now = clock::now();
    if (!measuring && now >= warmup_end) {
      measuring = true;
      counted = 0;
    }
    if (now >= end) break;
    for (int i = 0; i < n; ++i) {
      const auto c = events[i].data.u32;
      const ssize_t r = ::recv(fds[c], buf.data(), buf.size(), MSG_DONTWAIT);
      if (r <= 0) continue;
      got[c] += static_cast<std::size_t>(r);
      while (got[c] >= size) {
        got[c] -= size;
        ++counted;
        (void)::send(fds[c], msg.data(), size, MSG_NOSIGNAL);
      }
    }
  }
  std::printf("%.0f\n", static_cast<double>(counted) / seconds);
  for (int fd : fds) ::close(fd);
  return 0;
}
