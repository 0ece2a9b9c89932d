// Socket: each call tries the operation first and waits only on EAGAIN, as gevent does, so a socket
// with data pending costs one system call per recv and no trip through the hub. The loop itself is
// Fd::retry; this file only says which call, which direction and what to call it in messages.

#include "pinfiber/io/socket.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <utility>
#include <vector>

#include "pinfiber/core/errors.hpp"
#include "pinfiber/io/detail/sys.hpp"
#include "pinfiber/io/resolver.hpp"

namespace pinfiber {

using detail::sys;

namespace {
Fd new_socket(int family, int type, int protocol) {
  const int fd = sys().socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) {
    throw Error(errno, std::string("create a ") + (type == SOCK_DGRAM ? "datagram" : "stream") + " socket (family " +
                           std::to_string(family) + ")");
  }
  return Fd(fd);
}
}  // namespace

Socket::Socket(int family, int type, int protocol) : fd_(new_socket(family, type, protocol)) {}

Socket Socket::adopt(int fd) { return Socket(Fd(fd)); }

void Socket::remember_peer(const Address& peer) { fd_.set_name(peer.to_string()); }

void Socket::connect(const Address& to, TimeSpan timeout) {
  remember_peer(to);
  const Fd::Deadline until = fd_.deadline(timeout);
  for (;;) {
    if (sys().connect(fd_.get(), to.data(), to.size()) == 0) return;
    const int err = errno;
    // EINTR: the handshake goes on in the background, exactly as after EINPROGRESS.
    // EAGAIN: a Unix listener's backlog is full; wait for room and try again.
    if (err == EINPROGRESS || err == EINTR || err == EALREADY || err == EAGAIN) {
      fd_.await(detail::fd_writable, "connect to", until);
      if (err == EAGAIN) continue;
      const int so_error = option(SOL_SOCKET, SO_ERROR);
      if (so_error == 0) return;
      fd_.fail("connect to", so_error);
    }
    if (err == EISCONN) return;
    fd_.fail("connect to", err);
  }
}

void Socket::connect(std::string_view host, std::uint16_t port, TimeSpan timeout) {
  const std::vector<Address> candidates = resolve(host, port, local_address().family());
  for (std::size_t i = 0;; ++i) {
    try {
      connect(candidates[i], timeout);
      return;
    } catch (const Error&) {
      if (i + 1 == candidates.size()) throw;
      // A failed non-blocking connect leaves the socket unusable: start over with a fresh one.
      Socket fresh(candidates[i + 1].family(), SOCK_STREAM);
      fresh.set_timeout(fd_.timeout());
      *this = std::move(fresh);
    }
  }
}

Socket Socket::create_connection(std::string_view host, std::uint16_t port, TimeSpan timeout) {
  const std::vector<Address> candidates = resolve(host, port);
  for (std::size_t i = 0;; ++i) {
    try {
      Socket s(candidates[i].family(), SOCK_STREAM);
      s.connect(candidates[i], timeout);
      return s;
    } catch (const Error&) {
      if (i + 1 == candidates.size()) throw;
    }
  }
}

void Socket::bind(const Address& local) {
  if (::bind(fd_.get(), local.data(), local.size()) != 0) throw Error(errno, "bind to " + local.to_string());
  fd_.set_name(local_address().to_string());
}

void Socket::listen(int backlog) {
  if (::listen(fd_.get(), backlog) != 0) throw Error(errno, "listen on " + local_address().to_string());
  fd_.set_name(local_address().to_string());
}

Socket Socket::accept(Address* peer, TimeSpan timeout) {
  for (;;) {
    Address from;
    socklen_t len = Address::capacity();
    int fd = -1;
    try {
      fd = fd_.retry(detail::fd_readable, "accept on", fd_.deadline(timeout), [&] {
        len = Address::capacity();
        return sys().accept4(fd_.get(), from.data(), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      });
    } catch (const Error& e) {
      // A connection reset while it waited in the backlog: take the next one.
      if (e.code().value() == ECONNABORTED) continue;
      throw;
    }
    from.set_size(len);
    Socket s{Fd(fd, from.to_string())};
    if (peer) *peer = from;
    return s;
  }
}

std::size_t Socket::recv(void* buf, std::size_t n, TimeSpan timeout) {
  // The last recv came back short, so the kernel's buffer was empty then: in a request/response
  // exchange nothing has arrived since, and trying first would only cost a recv that says EAGAIN
  // (a third of the system calls of an echo round trip). Waiting first costs nothing extra when the
  // data is there: the fd is level-triggered, so the wait returns at the next poll.
  const bool wait_first = std::exchange(drained_, false);
  const auto got = fd_.retry(
      detail::fd_readable, "recv from", fd_.deadline(timeout), [&] { return sys().recv(fd_.get(), buf, n, 0); },
      wait_first);
  drained_ = got > 0 && static_cast<std::size_t>(got) < n;
  return static_cast<std::size_t>(got);
}

void Socket::recv_exact(void* buf, std::size_t n, TimeSpan timeout) {
  auto* p = static_cast<char*>(buf);
  fd_.move_all(detail::fd_readable, "recv_exact from", n, fd_.deadline(timeout),
               [&](std::size_t done) { return sys().recv(fd_.get(), p + done, n - done, 0); });
}

std::size_t Socket::send(const void* buf, std::size_t n, TimeSpan timeout) {
  // MSG_NOSIGNAL: a peer that went away is an EPIPE error here, not a SIGPIPE killing the process.
  return static_cast<std::size_t>(fd_.retry(detail::fd_writable, "send to", fd_.deadline(timeout),
                                            [&] { return sys().send(fd_.get(), buf, n, MSG_NOSIGNAL); }));
}

void Socket::send_all(const void* buf, std::size_t n, TimeSpan timeout) {
  const auto* p = static_cast<const char*>(buf);
  fd_.move_all(detail::fd_writable, "send_all to", n, fd_.deadline(timeout),
               [&](std::size_t done) { return sys().send(fd_.get(), p + done, n - done, MSG_NOSIGNAL); });
}

std::size_t Socket::sendto(const void* buf, std::size_t n, const Address& to, TimeSpan timeout) {
  try {
    return static_cast<std::size_t>(fd_.retry(detail::fd_writable, "sendto from", fd_.deadline(timeout), [&] {
      return sys().sendto(fd_.get(), buf, n, MSG_NOSIGNAL, to.data(), to.size());
    }));
  } catch (const TimeoutError&) {
    throw;
  } catch (const Error& e) {
    throw Error(e.code(), "sendto " + to.to_string());
  }
}

std::size_t Socket::recvfrom(void* buf, std::size_t n, Address* from, TimeSpan timeout) {
  Address sender;
  socklen_t len = Address::capacity();
  const auto got = fd_.retry(detail::fd_readable, "recvfrom on", fd_.deadline(timeout), [&] {
    len = Address::capacity();
    return sys().recvfrom(fd_.get(), buf, n, 0, sender.data(), &len);
  });
  sender.set_size(len);
  if (from) *from = sender;
  return static_cast<std::size_t>(got);
}

void Socket::shutdown(int how) {
  if (::shutdown(fd_.get(), how) != 0) throw Error(errno, "shutdown " + fd_.name());
}

void Socket::set_option(int level, int name, int value) {
  if (::setsockopt(fd_.get(), level, name, &value, sizeof value) != 0) {
    throw Error(errno, "setsockopt " + std::to_string(level) + "/" + std::to_string(name) + " on " + fd_.name());
  }
}

int Socket::option(int level, int name) const {
  int value = 0;
  socklen_t len = sizeof value;
  if (::getsockopt(fd_.get(), level, name, &value, &len) != 0) {
    throw Error(errno, "getsockopt " + std::to_string(level) + "/" + std::to_string(name) + " on " + fd_.name());
  }
  return value;
}

void Socket::set_nodelay(bool on) { set_option(IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0); }

Address Socket::local_address() const {
  Address a;
  socklen_t len = Address::capacity();
  if (::getsockname(fd_.get(), a.data(), &len) != 0) throw Error(errno, "getsockname of " + fd_.name());
  a.set_size(len);
  return a;
}

Address Socket::peer_address() const {
  Address a;
  socklen_t len = Address::capacity();
  if (::getpeername(fd_.get(), a.data(), &len) != 0) throw Error(errno, "getpeername of " + fd_.name());
  a.set_size(len);
  return a;
}

}  // namespace pinfiber
