// A burst of connects against a StreamServer: how long until every one of N clients that connect at
// once has been accepted and served, with the listen backlog at 128 (the value pinfiber once hard-coded)
// and at StreamServerOptions' default (the kernel's somaxconn). With a short backlog the kernel drops
// the SYNs that do not fit and the clients retransmit after 1 s, 3 s, 7 s...: the burst then takes
// seconds however fast the server accepts.
//
// The server is an echo StreamServer on its own thread (its own hub); the clients are N non-blocking
// sockets on this thread, connected all at once, each sending one byte and waiting for it to come
// back (so a connection counts only once the server really accepted and served it), on one epoll.
//   bench_connect_burst [clients=2500] [rounds=3]

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>
#include <vector>

#include "pinfiber/pinfiber.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Seconds until all `n` clients got their byte back from the server on `port`.
double burst(std::uint16_t port, int n) {
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<int> fds;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      std::perror("socket");
      std::exit(1);
    }
    (void)::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);  // EINPROGRESS
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.fd = fd;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    fds.push_back(fd);
  }
  int done = 0;
  std::vector<epoll_event> events(256);
  while (done < n) {
    const int k = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 30'000);
    if (k <= 0) {
      std::fprintf(stderr, "burst: %d of %d served after 30 s without progress\n", done, n);
      std::exit(1);
    }
    for (int i = 0; i < k; ++i) {
      const int fd = events[i].data.fd;
      if (events[i].events & EPOLLOUT) {  // connected: send the byte, then wait for it
        const char c = 'x';
        if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) continue;  // not yet: a later event says so
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        ::epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
      } else if (events[i].events & EPOLLIN) {
        char c;
        if (::recv(fd, &c, 1, 0) == 1) {
          ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
          ++done;
        }
      }
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (int fd : fds) ::close(fd);
  ::close(ep);
  return seconds;
}

// Runs an echo StreamServer with `backlog` on its own thread until `stop` is set; tells its port.
void serve(int backlog, std::promise<std::uint16_t>& port, std::future<void>& stop) {
  pinfiber::StreamServerOptions options;
  if (backlog > 0) options.backlog = backlog;
  pinfiber::StreamServer server(
      pinfiber::Address::loopback(AF_INET, 0),
      [](pinfiber::Socket& c, const pinfiber::Address&) {
        char buf[64];
        while (std::size_t k = c.recv(buf, sizeof buf)) c.send_all(buf, k);
      },
      options);
  server.start();
  port.set_value(server.address().port());
  while (stop.wait_for(std::chrono::seconds(0)) != std::future_status::ready) pinfiber::sleep(0.01);
  server.stop(std::chrono::seconds(1));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2500;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;  // both ends of every connection live in this process
  ::setrlimit(RLIMIT_NOFILE, &files);
  std::printf("%d clients connecting at once, one byte echoed each; %d rounds, alternating\n", n, rounds);
  std::vector<double> short_backlog, default_backlog;
  for (int r = 0; r < rounds; ++r) {
    for (int backlog : {128, 0}) {
      std::promise<std::uint16_t> port;
      std::promise<void> stop;
      std::future<void> stopped = stop.get_future();
      std::thread server([&] { serve(backlog, port, stopped); });
      const double s = burst(port.get_future().get(), n);
      stop.set_value();
      server.join();
      (backlog ? short_backlog : default_backlog).push_back(s);
    }
  }
  std::printf("backlog 128:                 median %.3f s\n", median(short_backlog));
  std::printf("backlog default (somaxconn): median %.3f s\n", median(default_backlog));
  return 0;
}
