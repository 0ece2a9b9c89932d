#include "pinfiber/io/detail/sys.hpp"

#include <sys/socket.h>
#include <unistd.h>

namespace pinfiber::detail {

namespace {
// Wrappers rather than the libc symbols themselves: some are macros or have overloads/attributes
// that do not convert to a plain function pointer.
int sys_socket(int d, int t, int p) { return ::socket(d, t, p); }
int sys_close(int fd) { return ::close(fd); }
int sys_connect(int fd, const sockaddr* a, socklen_t l) { return ::connect(fd, a, l); }
int sys_accept4(int fd, sockaddr* a, socklen_t* l, int f) { return ::accept4(fd, a, l, f); }
ssize_t sys_recv(int fd, void* b, std::size_t n, int f) { return ::recv(fd, b, n, f); }
ssize_t sys_send(int fd, const void* b, std::size_t n, int f) { return ::send(fd, b, n, f); }
ssize_t sys_recvfrom(int fd, void* b, std::size_t n, int f, sockaddr* a, socklen_t* l) {
  return ::recvfrom(fd, b, n, f, a, l);
}
ssize_t sys_sendto(int fd, const void* b, std::size_t n, int f, const sockaddr* a, socklen_t l) {
  return ::sendto(fd, b, n, f, a, l);
}
ssize_t sys_read(int fd, void* b, std::size_t n) { return ::read(fd, b, n); }
ssize_t sys_write(int fd, const void* b, std::size_t n) { return ::write(fd, b, n); }

Sys real_calls{sys_socket, sys_close,    sys_connect, sys_accept4, sys_recv,
               sys_send,   sys_recvfrom, sys_sendto,  sys_read,    sys_write};
}  // namespace

Sys& sys() { return real_calls; }

}  // namespace pinfiber::detail
