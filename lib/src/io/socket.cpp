// Socket: each call tries the operation first and waits only on EAGAIN, as gevent does, so a
// socket with data pending costs one system call per recv and no trip through the hub.

#include "pinfiber/io/socket.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include "pinfiber/core/errors.hpp"
#include "pinfiber/io/detail/sys.hpp"
#include "pinfiber/io/resolver.hpp"
#include "pinfiber/io/wait.hpp"

namespace pinfiber {

using detail::sys;

namespace {
bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", std::chrono::duration<double>(d).count());
  return buf;
}
}  // namespace

Socket::Socket(int family, int type, int protocol) {
  fd_ = sys().socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd_ < 0) {
    const int err = errno;
    throw std::system_error(err, std::generic_category(),
                            std::string("create a ") + (type == SOCK_DGRAM ? "datagram" : "stream") +
                                " socket (family " + std::to_string(family) + ")");
  }
}

Socket Socket::adopt(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    throw std::system_error(errno, std::generic_category(), "make fd " + std::to_string(fd) + " non-blocking");
  }
  return Socket(AdoptTag{}, fd);
}

Socket::Socket(Socket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), timeout_(other.timeout_), drained_(other.drained_), peer_(other.peer_) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    timeout_ = other.timeout_;
    drained_ = other.drained_;
    peer_ = other.peer_;
  }
  return *this;
}

Socket::~Socket() { close(); }

int Socket::release() { return std::exchange(fd_, -1); }

void Socket::close() {
  const int fd = std::exchange(fd_, -1);
  if (fd < 0) return;
  try {
    pinfiber::close(fd);
  } catch (const std::system_error&) {
    // close(2) failing (EIO on some file systems) leaves nothing to retry for a socket.
  }
}

TimePoint Socket::deadline(Duration explicit_timeout) const {
  return deadline_after(Clock::now(), explicit_timeout == socket_default_timeout ? timeout_ : explicit_timeout);
}

std::string Socket::peer_text() const {
  if (!peer_.empty()) return peer_.to_string();
  return "fd " + std::to_string(fd_);
}

void Socket::fail(const char* action, const std::string& where, int err) const {
  throw std::system_error(err, std::generic_category(), std::string(action) + " " + where);
}

void Socket::timed_out(const char* action, const std::string& where) const {
  throw SocketTimeout(std::string(action) + " " + where + " (timeout " + seconds_text(timeout_) + ")");
}

bool Socket::wait(int events, TimePoint deadline) {
  if (fd_ < 0) throw std::system_error(EBADF, std::generic_category(), "use of a closed socket");
  return detail::wait_fd(fd_, events, deadline);
}

void Socket::connect(const Address& to, Duration timeout) {
  peer_ = to;
  const TimePoint until = deadline(timeout);
  const Duration shown = timeout == socket_default_timeout ? timeout_ : timeout;
  for (;;) {
    if (sys().connect(fd_, to.data(), to.size()) == 0) return;
    const int err = errno;
    // EINTR: the handshake goes on in the background, exactly as after EINPROGRESS.
    // EAGAIN: a Unix listener's backlog is full; wait for room and try again.
    if (err == EINPROGRESS || err == EINTR || err == EALREADY || err == EAGAIN) {
      if (!wait(detail::fd_writable, until)) {
        throw SocketTimeout("connect to " + to.to_string() + " (timeout " + seconds_text(shown) + ")");
      }
      if (err == EAGAIN) continue;
      const int so_error = option(SOL_SOCKET, SO_ERROR);
      if (so_error == 0) return;
      fail("connect to", to.to_string(), so_error);
    }
    if (err == EISCONN) return;
    fail("connect to", to.to_string(), err);
  }
}

void Socket::connect(std::string_view host, std::uint16_t port, Duration timeout) {
  const std::vector<Address> candidates = resolve(host, port, local_address().family());
  for (std::size_t i = 0;; ++i) {
    try {
      connect(candidates[i], timeout);
      return;
    } catch (const std::system_error&) {
      if (i + 1 == candidates.size()) throw;
      // A failed non-blocking connect leaves the socket unusable: start over with a fresh one.
      Socket fresh(candidates[i + 1].family(), SOCK_STREAM);
      fresh.timeout_ = timeout_;
      *this = std::move(fresh);
    }
  }
}

Socket Socket::create_connection(std::string_view host, std::uint16_t port, Duration timeout) {
  const std::vector<Address> candidates = resolve(host, port);
  for (std::size_t i = 0;; ++i) {
    try {
      Socket s(candidates[i].family(), SOCK_STREAM);
      s.connect(candidates[i], timeout);
      return s;
    } catch (const std::system_error&) {
      if (i + 1 == candidates.size()) throw;
    }
  }
}

void Socket::bind(const Address& local) {
  if (::bind(fd_, local.data(), local.size()) != 0) fail("bind to", local.to_string(), errno);
}

void Socket::listen(int backlog) {
  if (::listen(fd_, backlog) != 0) fail("listen on", local_address().to_string(), errno);
}

Socket Socket::accept(Address* peer) {
  const TimePoint until = deadline(socket_default_timeout);
  for (;;) {
    Address from;
    socklen_t len = Address::capacity();
    const int fd = sys().accept4(fd_, from.data(), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      from.set_size(len);
      Socket s(AdoptTag{}, fd);
      s.peer_ = from;
      if (peer) *peer = from;
      return s;
    }
    const int err = errno;
    if (err == EINTR || err == ECONNABORTED) continue;  // a connection reset while queued: take the next
    if (!would_block(err)) fail("accept on", local_address().to_string(), err);
    if (!wait(detail::fd_readable, until)) timed_out("accept on", local_address().to_string());
  }
}

std::size_t Socket::recv(void* buf, std::size_t n) {
  const TimePoint until = deadline(socket_default_timeout);
  // The last recv came back short, so the kernel's buffer was empty then: in a request/response
  // exchange nothing has arrived since, and trying first would only cost a recv that says EAGAIN
  // (a third of the system calls of an echo round trip). Waiting first costs nothing extra when the
  // data is there: the fd is level-triggered, so the wait returns at the next poll.
  if (drained_) {
    drained_ = false;
    if (!wait(detail::fd_readable, until)) timed_out("recv from", peer_text());
  }
  for (;;) {
    const ssize_t got = sys().recv(fd_, buf, n, 0);
    if (got >= 0) {
      drained_ = got > 0 && static_cast<std::size_t>(got) < n;
      return static_cast<std::size_t>(got);
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (!would_block(err)) fail("recv from", peer_text(), err);
    if (!wait(detail::fd_readable, until)) timed_out("recv from", peer_text());
  }
}

void Socket::recv_exact(void* buf, std::size_t n) {
  const TimePoint until = deadline(socket_default_timeout);
  auto* p = static_cast<char*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = sys().recv(fd_, p + done, n - done, 0);
    if (got > 0) {
      done += static_cast<std::size_t>(got);
      continue;
    }
    if (got == 0) {
      throw Error("recv_exact from " + peer_text() + ": connection closed after " + std::to_string(done) + " of " +
                  std::to_string(n) + " bytes");
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (!would_block(err)) fail("recv from", peer_text(), err);
    if (!wait(detail::fd_readable, until)) timed_out("recv_exact from", peer_text());
  }
}

std::size_t Socket::send(const void* buf, std::size_t n) {
  const TimePoint until = deadline(socket_default_timeout);
  for (;;) {
    // MSG_NOSIGNAL: a peer that went away is an EPIPE error here, not a SIGPIPE killing the process.
    const ssize_t sent = sys().send(fd_, buf, n, MSG_NOSIGNAL);
    if (sent >= 0) return static_cast<std::size_t>(sent);
    const int err = errno;
    if (err == EINTR) continue;
    if (!would_block(err)) fail("send to", peer_text(), err);
    if (!wait(detail::fd_writable, until)) timed_out("send to", peer_text());
  }
}

void Socket::send_all(const void* buf, std::size_t n) {
  const TimePoint until = deadline(socket_default_timeout);
  const auto* p = static_cast<const char*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t sent = sys().send(fd_, p + done, n - done, MSG_NOSIGNAL);
    if (sent >= 0) {
      done += static_cast<std::size_t>(sent);
      continue;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (!would_block(err)) fail("send to", peer_text(), err);
    if (!wait(detail::fd_writable, until)) timed_out("send_all to", peer_text());
  }
}

std::size_t Socket::sendto(const void* buf, std::size_t n, const Address& to) {
  const TimePoint until = deadline(socket_default_timeout);
  for (;;) {
    const ssize_t sent = sys().sendto(fd_, buf, n, MSG_NOSIGNAL, to.data(), to.size());
    if (sent >= 0) return static_cast<std::size_t>(sent);
    const int err = errno;
    if (err == EINTR) continue;
    if (!would_block(err)) fail("sendto", to.to_string(), err);
    if (!wait(detail::fd_writable, until)) timed_out("sendto", to.to_string());
  }
}

std::size_t Socket::recvfrom(void* buf, std::size_t n, Address* from) {
  const TimePoint until = deadline(socket_default_timeout);
  for (;;) {
    Address sender;
    socklen_t len = Address::capacity();
    const ssize_t got = sys().recvfrom(fd_, buf, n, 0, sender.data(), &len);
    if (got >= 0) {
      sender.set_size(len);
      if (from) *from = sender;
      return static_cast<std::size_t>(got);
    }
    const int err = errno;
    if (err == EINTR) continue;
    const std::string where = "on " + local_address().to_string();
    if (!would_block(err)) fail("recvfrom", where, err);
    if (!wait(detail::fd_readable, until)) timed_out("recvfrom", where);
  }
}

void Socket::shutdown(int how) {
  if (::shutdown(fd_, how) != 0) fail("shutdown", peer_text(), errno);
}

void Socket::set_option(int level, int name, int value) {
  if (::setsockopt(fd_, level, name, &value, sizeof value) != 0) {
    fail("setsockopt", "option " + std::to_string(level) + "/" + std::to_string(name) + " on " + peer_text(), errno);
  }
}

int Socket::option(int level, int name) const {
  int value = 0;
  socklen_t len = sizeof value;
  if (::getsockopt(fd_, level, name, &value, &len) != 0) {
    fail("getsockopt", "option " + std::to_string(level) + "/" + std::to_string(name) + " on " + peer_text(), errno);
  }
  return value;
}

void Socket::set_nodelay(bool on) { set_option(IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0); }

Address Socket::local_address() const {
  Address a;
  socklen_t len = Address::capacity();
  if (::getsockname(fd_, a.data(), &len) != 0) fail("getsockname of", "fd " + std::to_string(fd_), errno);
  a.set_size(len);
  return a;
}

Address Socket::peer_address() const {
  Address a;
  socklen_t len = Address::capacity();
  if (::getpeername(fd_, a.data(), &len) != 0) fail("getpeername of", "fd " + std::to_string(fd_), errno);
  a.set_size(len);
  return a;
}

}  // namespace pinfiber
