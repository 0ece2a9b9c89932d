#include "pinfiber/daemon/notify.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "daemon/unix_datagram.hpp"
#include "pinfiber/error.hpp"
#include "pinfiber/io/fd.hpp"

namespace pinfiber {

namespace {

// A socket connected to NOTIFY_SOCKET, made per notification as sd_notify does: nothing is kept
// between notifications (no fd to leak, a manager that re-executed is found anew), and a connected
// datagram socket polls as not writable while the manager's queue is full, so a greenlet can wait
// for room instead of spinning on EAGAIN.
struct Connected {
  Fd fd;
  std::string path;
};

// Null when NOTIFY_SOCKET is unset. Throws Error when it is set but unusable.
bool connect_notify(Connected& out) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || !*path) return false;
  out.path = path;
  sockaddr_un sa;
  socklen_t len;
  if (!detail::unix_address(path, sa, len)) {
    throw Error(EINVAL, "notify the service manager at '" + out.path + "'",
                "NOTIFY_SOCKET must be an absolute path or start with '@'");
  }
  const int s = detail::open_unix_datagram();
  if (s < 0) throw Error(errno, "open a socket to notify the service manager");
  out.fd = Fd(s, "notify socket " + out.path);
  if (::connect(s, reinterpret_cast<const sockaddr*>(&sa), len) != 0) out.fd.fail("connect to", errno);
  return true;
}

std::string with_status(std::string_view first, std::string_view status) {
  std::string state(first);
  if (!status.empty()) {
    state += "\nSTATUS=";
    // One line: a newline would start another assignment.
    for (char c : status) state += c == '\n' ? ' ' : c;
  }
  return state;
}

}  // namespace

bool notify_enabled() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  return path && *path;
}

bool notify(std::string_view state, TimeSpan timeout) {
  Connected c;
  if (!connect_notify(c)) return false;
  c.fd.retry(detail::fd_writable, "send to", c.fd.deadline(timeout),
             [&] { return ::send(c.fd.get(), state.data(), state.size(), MSG_NOSIGNAL); });
  return true;
}

bool notify_ready(std::string_view status, TimeSpan timeout) { return notify(with_status("READY=1", status), timeout); }

bool notify_status(std::string_view status, TimeSpan timeout) {
  std::string state = with_status("", status);
  return notify(std::string_view(state).substr(1), timeout);  // without the leading newline
}

bool notify_stopping(std::string_view status, TimeSpan timeout) {
  return notify(with_status("STOPPING=1", status), timeout);
}

namespace detail {

bool notify_now(std::string_view state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || !*path) return false;
  sockaddr_un sa;
  socklen_t len;
  if (!unix_address(path, sa, len)) return false;
  const int s = open_unix_datagram();
  if (s < 0) return false;
  const bool sent = send_datagram(s, sa, len, state) == 0;
  ::close(s);
  return sent;
}

}  // namespace detail

}  // namespace pinfiber
