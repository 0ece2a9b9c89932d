#include "pinfiber/io/listen_fds.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "pinfiber/core/hub.hpp"

namespace pinfiber {

namespace {

// sd_listen_fds(3): passed fds start at 3 (SD_LISTEN_FDS_START).
constexpr int kFirstFd = 3;

// The hub's view of the passed fds (a service: read once, taken once).
struct ListenFds {
  std::vector<ListenFd> fds;

  ListenFds() {
    const char* pid_text = std::getenv("LISTEN_PID");
    const char* count_text = std::getenv("LISTEN_FDS");
    if (!pid_text || !count_text) return;
    long pid = 0;
    int count = 0;
    if (!parse(pid_text, pid) || pid != static_cast<long>(::getpid())) return;
    if (!parse(count_text, count) || count <= 0) return;
    std::vector<std::string> names;
    if (const char* n = std::getenv("LISTEN_FDNAMES")) {
      std::string_view all(n);
      for (std::size_t at = 0;;) {
        const std::size_t colon = all.find(':', at);
        names.emplace_back(all.substr(at, colon == std::string_view::npos ? std::string_view::npos : colon - at));
        if (colon == std::string_view::npos) break;
        at = colon + 1;
      }
    }
    for (int i = 0; i < count; ++i) {
      const int fd = kFirstFd + i;
      if (::fcntl(fd, F_GETFD) < 0) continue;  // not open: a supervisor that miscounted
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
      const std::size_t index = static_cast<std::size_t>(i);
      fds.push_back({fd, index < names.size() && !names[index].empty() ? names[index] : "unknown", false});
    }
  }

  template <class T>
  static bool parse(const char* text, T& out) {
    const char* end = text + std::strlen(text);
    auto r = std::from_chars(text, end, out);
    return r.ec == std::errc() && r.ptr == end;
  }
};

bool is_listening_stream(int fd) {
  int type = 0, listening = 0;
  socklen_t len = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return false;
  len = sizeof listening;
  return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening != 0;
}

bool bound_to(int fd, const Address& wanted) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  const Address local = Address::from(reinterpret_cast<const sockaddr*>(&ss), len);
  if (wanted.family() == AF_UNIX) return local.family() == AF_UNIX && local.host() == wanted.host();
  if (local.family() != AF_INET && local.family() != AF_INET6) return false;
  return wanted.port() != 0 && local.port() == wanted.port();
}

}  // namespace

const std::vector<ListenFd>& listen_fds() { return hub().service<ListenFds>().fds; }

std::optional<Socket> take_listen_socket(const Address& address, std::string_view name) {
  for (ListenFd& f : hub().service<ListenFds>().fds) {
    if (f.taken || !is_listening_stream(f.fd)) continue;
    if (name.empty() ? !bound_to(f.fd, address) : f.name != name) continue;
    f.taken = true;
    return Socket::adopt(f.fd);
  }
  return std::nullopt;
}

}  // namespace pinfiber
