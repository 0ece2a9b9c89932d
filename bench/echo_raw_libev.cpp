// The baseline of the echo benchmark: an echo server written directly on libev callbacks, with a
// watcher per connection that stays started - what pinfiber's greenlet-per-connection server is
// measured against. Usage: bench_echo_raw_libev [port] (default 7001).

#include <arpa/inet.h>
#include <ev.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

struct Conn {
  ev_io io;
  char buf[4096];
};

void on_read(struct ev_loop* loop, ev_io* w, int) {
  auto* c = reinterpret_cast<Conn*>(w);
  const ssize_t n = ::recv(w->fd, c->buf, sizeof c->buf, 0);
  if (n > 0) {
    // Small messages on a closed loop always fit the send buffer; a short send ends the connection.
    if (::send(w->fd, c->buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) == n) return;
  } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
    return;
  }
  ev_io_stop(loop, w);
  ::close(w->fd);
  delete c;
}

void on_accept(struct ev_loop* loop, ev_io* w, int) {
  for (;;) {
    const int fd = ::accept4(w->fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto* c = new Conn;
    ev_io_init(&c->io, on_read, fd, EV_READ);
    ev_io_start(loop, &c->io);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 7001;
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s, 1024) != 0) {
    std::perror("bind/listen");
    return 1;
  }
  struct ev_loop* loop = ev_default_loop(EVFLAG_AUTO);
  ev_io accept_watcher;
  ev_io_init(&accept_watcher, on_accept, s, EV_READ);
  ev_io_start(loop, &accept_watcher);
  std::printf("listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  ev_run(loop, 0);
  return 0;
}
