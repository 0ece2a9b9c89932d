#include "pinfiber/io/fd.hpp"

#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <utility>

#include "pinfiber/io/detail/sys.hpp"

namespace pinfiber {

using detail::sys;

Fd::Fd(int fd, std::string name) : fd_(fd), name_(std::move(name)) {
  if (fd_ < 0) throw Error(EBADF, "take fd " + std::to_string(fd) + (name_.empty() ? "" : " (" + name_ + ")"));
  if (name_.empty()) name_ = "fd " + std::to_string(fd_);
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0 || ((flags & O_NONBLOCK) == 0 && ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK) < 0)) {
    const int err = errno;
    sys().close(std::exchange(fd_, -1));
    throw Error(err, "make " + name_ + " non-blocking");
  }
}

Fd::Fd(Fd&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), timeout_(other.timeout_), name_(std::move(other.name_)) {}

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    timeout_ = other.timeout_;
    name_ = std::move(other.name_);
  }
  return *this;
}

Fd::~Fd() { close(); }

int Fd::release() {
  if (fd_ >= 0) cancel_wait(fd_);
  return std::exchange(fd_, -1);
}

void Fd::close() {
  const int fd = std::exchange(fd_, -1);
  if (fd < 0) return;
  try {
    pinfiber::close(fd);
  } catch (const Error&) {
    // close(2) failing (EIO on some file systems) leaves nothing to retry.
  }
}

void Fd::require_open(const char* action) const {
  if (fd_ < 0) throw Error(EBADF, std::string(action) + " " + (name_.empty() ? "a closed fd" : name_), "it is closed");
}

void Fd::fail(const char* action, int err) const { throw Error(err, std::string(action) + " " + name_); }

void Fd::timed_out(const char* action, Duration timeout, std::size_t transferred) const {
  std::string detail;
  if (timeout != forever) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "after %.3f s", std::chrono::duration<double>(timeout).count());
    detail = buf;
  }
  if (transferred > 0) detail += (detail.empty() ? "(" : " (") + std::to_string(transferred) + " bytes transferred)";
  throw TimeoutError(std::string(action) + " " + name_, detail, transferred);
}

void Fd::end_of_file(const char* action, std::size_t done, std::size_t n) const {
  throw Error(std::string(action) + " " + name_ + ": end of file after " + std::to_string(done) + " of " +
              std::to_string(n) + " bytes");
}

void Fd::await(int events, const char* action, Deadline deadline) {
  require_open(action);
  bool ready;
  try {
    ready = detail::wait_fd(fd_, events, deadline.at);
  } catch (const FdBusy&) {
    throw;
  } catch (const Error& e) {
    // Closed under us by another greenlet: say what was being done to what.
    if (e.code().value() != EBADF) throw;
    throw Error(EBADF, std::string(action) + " " + name_, "it was closed while this greenlet waited");
  }
  if (!ready) timed_out(action, deadline.timeout);
}

bool Fd::wait_readable(TimeSpan timeout) {
  require_open("wait for");
  return detail::wait_fd(fd_, detail::fd_readable, deadline(timeout).at);
}

bool Fd::wait_writable(TimeSpan timeout) {
  require_open("wait for");
  return detail::wait_fd(fd_, detail::fd_writable, deadline(timeout).at);
}

std::size_t Fd::read(void* buf, std::size_t n, TimeSpan timeout) {
  require_open("read from");
  return static_cast<std::size_t>(
      retry(detail::fd_readable, "read from", deadline(timeout), [&] { return sys().read(fd_, buf, n); }));
}

void Fd::read_exact(void* buf, std::size_t n, TimeSpan timeout) {
  require_open("read from");
  auto* p = static_cast<char*>(buf);
  move_all(detail::fd_readable, "read from", n, deadline(timeout),
           [&](std::size_t done) { return sys().read(fd_, p + done, n - done); });
}

std::size_t Fd::write(const void* buf, std::size_t n, TimeSpan timeout) {
  require_open("write to");
  return static_cast<std::size_t>(
      retry(detail::fd_writable, "write to", deadline(timeout), [&] { return sys().write(fd_, buf, n); }));
}

void Fd::write_all(const void* buf, std::size_t n, TimeSpan timeout) {
  require_open("write to");
  const auto* p = static_cast<const char*>(buf);
  move_all(detail::fd_writable, "write to", n, deadline(timeout),
           [&](std::size_t done) { return sys().write(fd_, p + done, n - done); });
}

}  // namespace pinfiber
