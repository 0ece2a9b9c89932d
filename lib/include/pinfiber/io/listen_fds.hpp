#pragma once
// Socket activation: listening sockets a supervisor opened for this process and passed to it on
// exec - systemd's .socket units, `systemd-socket-activate`, or anything else that follows the
// sd_listen_fds(3) protocol: LISTEN_PID is this process's pid, LISTEN_FDS the number of sockets,
// passed as fds 3, 4, ...; LISTEN_FDNAMES their names (FileDescriptorName=), ':'-separated.
//
// The protocol is read here rather than through libsystemd's sd_listen_fds(): it is a documented,
// stable interface of three environment variables, and the Pi Zero W build is a static binary for
// which Debian ships no static libsystemd (see docs/daemons.md).
//
// A StreamServer takes its socket from here by itself: a server asked to listen on port 8080 takes
// the passed stream socket bound to port 8080, so a unit can bind a privileged port, or start the
// daemon on the first connection, without a change in the program.
//
//   if (auto s = pinfiber::take_listen_socket(pinfiber::Address::any(AF_INET6, 0), "status"))
//     server.emplace(std::move(*s), handler);         // by FileDescriptorName=status

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/io/address.hpp"
#include "pinfiber/io/socket.hpp"

namespace pinfiber {

/// One fd passed by socket activation.
struct ListenFd {
  int fd = -1;
  std::string name;  // LISTEN_FDNAMES' entry for it; "unknown" without one, as systemd says
  bool taken = false;
};

/// The fds passed to this process by socket activation, in order; empty when LISTEN_PID is not this
/// process's pid (the variables were meant for a parent) or LISTEN_FDS is unset or malformed. Read
/// once per hub, on first use, which also marks the fds close-on-exec (so a Subprocess does not inherit
/// them). The variables stay in the environment: a child sees a LISTEN_PID not its own and ignores
/// them, and unsetenv() would race with getenv() on other threads. Never blocks.
const std::vector<ListenFd>& listen_fds();

/// Takes (once) a passed listening stream socket: with a `name`, the one of that name; without, the
/// one bound to `address`'s port (for a Unix address, its path), whatever its IP - the unit decides
/// where the daemon listens. Returns nullopt if there is none (or it was taken already). A port of 0
/// matches nothing. Never blocks. Throws Error if the fd cannot be made non-blocking.
std::optional<Socket> take_listen_socket(const Address& address, std::string_view name = {});

}  // namespace pinfiber
