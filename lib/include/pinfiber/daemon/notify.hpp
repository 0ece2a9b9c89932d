#pragma once
// Telling the service manager how the daemon is doing - systemd's sd_notify(3) protocol: one datagram
// of "KEY=VALUE" lines to the Unix socket named by NOTIFY_SOCKET. READY=1 ends a Type=notify unit's
// start-up (`systemctl start` returns, units ordered after it start), STATUS= is the line
// `systemctl status` shows, STOPPING=1 says the stop has begun, WATCHDOG=1 pets the watchdog
// (pinfiber/daemon/watchdog.hpp does that).
//
// Spoken here rather than through libsystemd: the protocol is documented and stable, the same code
// then serves the static Pi Zero W build (Debian ships no static libsystemd), and a send that finds
// the manager's queue full parks the greenlet instead of blocking the hub. See docs/daemons.md.
//
//   pinfiber::notify_ready("serving on 0.0.0.0:8080");   // after the sockets are open
//   pinfiber::notify_status("3 presses, LED on");
//   // outside systemd (no NOTIFY_SOCKET) these do nothing and return false

#include <string_view>

#include "pinfiber/core/clock.hpp"

namespace pinfiber {

/// How long a notification waits for room in the manager's queue by default.
inline constexpr Duration notify_timeout = std::chrono::seconds(5);

/// True if NOTIFY_SOCKET names a socket to notify (the process runs under systemd or another
/// manager that speaks the protocol). Never blocks.
bool notify_enabled();

/// Sends `state` - newline-separated "KEY=VALUE" assignments - to the notify socket in one datagram.
/// Returns false without sending when there is no notify socket. Blocks the calling greenlet while
/// the manager's queue is full, up to `timeout`. Throws TimeoutError, Error ("send to notify socket
/// /run/systemd/notify: Connection refused") when the socket named cannot take it.
bool notify(std::string_view state, TimeSpan timeout = notify_timeout);

/// READY=1, with STATUS=`status` if given: the daemon has started. As notify().
bool notify_ready(std::string_view status = {}, TimeSpan timeout = notify_timeout);
/// STATUS=`status`: one line of free text on what the daemon is doing. As notify().
bool notify_status(std::string_view status, TimeSpan timeout = notify_timeout);
/// STOPPING=1, with STATUS=`status` if given: the daemon has begun to stop. As notify().
bool notify_stopping(std::string_view status = {}, TimeSpan timeout = notify_timeout);

namespace detail {
/// One notification sent now or never, for code that runs on the hub and must not wait (the
/// watchdog's pets): true if the datagram was queued. Never blocks, never throws.
bool notify_now(std::string_view state);
}  // namespace detail

}  // namespace pinfiber
