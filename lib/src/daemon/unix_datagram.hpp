#pragma once
// The one transport of systemd's notify and journal protocols: a datagram to a Unix socket named by
// a path, sent without waiting (MSG_DONTWAIT: these sends happen on the hub, in watchdog callbacks and
// log calls, which must never block), optionally carrying one fd (SCM_RIGHTS).

#include <sys/socket.h>
#include <sys/un.h>

#include <string>
#include <string_view>

namespace pinfiber::detail {

/// A Unix address from a path as systemd writes them: absolute ("/run/systemd/notify"), or abstract
/// with a leading '@' ("@/org/freedesktop/systemd1/notify/123"). False if it is neither or too long.
bool unix_address(std::string_view path, sockaddr_un& out, socklen_t& len);

/// An unbound SOCK_DGRAM Unix socket, non-blocking and close-on-exec; -1 with errno on failure.
int open_unix_datagram();

/// Sends `data` (and `fd`, if not -1) to `to` in one datagram; returns 0 or an errno (EAGAIN when the
/// receiver's queue is full, EMSGSIZE when too large for one datagram). EINTR is retried.
int send_datagram(int sock, const sockaddr_un& to, socklen_t len, std::string_view data, int fd = -1);

}  // namespace pinfiber::detail
