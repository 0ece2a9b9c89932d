#pragma once
// The seam every OS call of the io layer goes through, so tests can inject failures (EMFILE from
// accept, EINTR from connect, ...) without a mock of the whole library. Process-wide: a test swaps
// an entry, runs, and restores it (SysOverride does both).

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>

namespace pinfiber::detail {

struct Sys {
  int (*socket)(int domain, int type, int protocol);
  int (*close)(int fd);
  int (*connect)(int fd, const sockaddr* addr, socklen_t len);
  int (*accept4)(int fd, sockaddr* addr, socklen_t* len, int flags);
  ssize_t (*recv)(int fd, void* buf, std::size_t n, int flags);
  ssize_t (*send)(int fd, const void* buf, std::size_t n, int flags);
  ssize_t (*recvfrom)(int fd, void* buf, std::size_t n, int flags, sockaddr* addr, socklen_t* len);
  ssize_t (*sendto)(int fd, const void* buf, std::size_t n, int flags, const sockaddr* addr, socklen_t len);
  ssize_t (*read)(int fd, void* buf, std::size_t n);
  ssize_t (*write)(int fd, const void* buf, std::size_t n);
};

/// The calls in use; the real ones unless a test replaced some.
Sys& sys();

/// Replaces one entry of sys() for the lifetime of the object:
///   SysOverride o(&Sys::accept4, +[](int, sockaddr*, socklen_t*, int) { errno = EMFILE; return -1; });
template <class F>
class SysOverride {
 public:
  SysOverride(F Sys::*member, F replacement) : member_(member), saved_(sys().*member) { sys().*member = replacement; }
  ~SysOverride() { sys().*member_ = saved_; }
  SysOverride(const SysOverride&) = delete;
  SysOverride& operator=(const SysOverride&) = delete;

 private:
  F Sys::*member_;
  F saved_;
};

}  // namespace pinfiber::detail
