#pragma once
// run_daemon: the shape of an on-device daemon in one call, so that main() is a few lines.
//
//   int main(int argc, char** argv) {
//     Settings s;                                               // your settings, with their defaults
//     pinfiber::Config config("doorbell", "Rings when the button is pressed");
//     config.add("port", s.port, "status port");
//     return pinfiber::run_daemon(config, argc, argv, [&] {
//       pinfiber::StreamServer status(...); status.start();
//       pinfiber::notify_ready("serving on port " + std::to_string(s.port));
//       pinfiber::pause();                                      // until SIGTERM / SIGINT
//     });
//   }
//
// It reads the settings (file, then command line), sends the log to the journal when running under
// journald (else stderr), installs SIGTERM and SIGINT handlers that say STOPPING=1 and shutdown(),
// pets the watchdog when the unit asks for one, and runs a BlockingMonitor whose reports name the
// greenlet that held the hub - at half the watchdog interval while it still holds it, so the journal
// says who it was before systemd restarts the daemon. Then it runs `body` in the main greenlet.

#include <functional>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/daemon/config.hpp"
#include "pinfiber/io/signal.hpp"

namespace pinfiber {

/// Options of run_daemon() that are the program's to choose (the settings are the user's).
struct DaemonOptions {
  /// The BlockingMonitor's threshold, the default of the "monitor.threshold" setting; zero: no monitor.
  Duration blocking_threshold = std::chrono::milliseconds(100);
  /// How long the greenlets get to unwind after SIGTERM/SIGINT (shutdown_within).
  Duration stop_grace = shutdown_grace;
};

/// Runs a daemon's main and returns its exit status: 0 when `body` returned or ended by a stop
/// signal's shutdown (GreenletExit), 1 when an exception escaped it (logged as critical: systemd's
/// Restart=on-failure restarts it), 2 when the settings could not be read (the error on stderr).
/// --help prints the settings and returns 0 without running `body`.
///
/// Adds the settings "log.level" (debug..critical, default info) and "monitor.threshold" to `config`
/// before loading it. Around `body`: STOPPING=1 is sent when a stop signal arrives or body ends; READY=1
/// is the body's to send (notify_ready), once it serves. Blocks the calling greenlet (main) for the
/// daemon's life; call it from main with the hub's clock as the program wants it.
int run_daemon(Config& config, int argc, const char* const* argv, std::function<void()> body,
               DaemonOptions options = {});

}  // namespace pinfiber
