#pragma once
// Unix signals delivered through the hub: the handler runs in a greenlet, so it may block, print,
// or stop servers, unlike a C signal handler.

#include <chrono>
#include <functional>

#include "pinfiber/core/clock.hpp"

namespace pinfiber {

/// Runs `fn` in a new greenlet each time signal `signum` arrives (gevent.signal_handler). The
/// watcher does not keep the hub alive by itself (a program waiting only for a signal still gets
/// LoopExit; wait with pinfiber::pause() instead), like gevent's. One handler per signal per
/// process: installing a second one for the same signal replaces the first. Destroying the object
/// uninstalls it: the default action returns - except after a shutdown(), when the signal stays
/// ignored, so repeats cannot kill a program that is already cleaning up on its way out.
///
///   pinfiber::SignalHandler on_term(SIGTERM, pinfiber::shutdown);
///   try { server.serve_forever(); } catch (const pinfiber::GreenletExit&) {}   // main returns
///   // by then every other greenlet was killed and its destructors ran
class SignalHandler {
 public:
  /// Installs the handler. Never blocks. Throws Error(EINVAL) for an invalid signal number.
  SignalHandler(int signum, std::function<void()> fn);
  ~SignalHandler();
  SignalHandler(const SignalHandler&) = delete;
  SignalHandler& operator=(const SignalHandler&) = delete;

  struct Impl;

 private:
  Impl* impl_;
};

/// How long shutdown() waits for the killed greenlets to unwind before it interrupts main anyway.
inline constexpr Duration shutdown_grace = std::chrono::seconds(5);

/// Stops the program cooperatively (story 8, gevent's `signal(SIGQUIT, gevent.kill...)` idiom): kills
/// every other greenlet of the calling thread's hub with GreenletExit, in the order they were spawned,
/// and the main greenlet last - so each unwinds at its blocking point (destructors run, sockets close,
/// queue getters and sleepers leave) before main's blocking call throws GreenletExit: catch it there
/// and return. Greenlets that swallowed GreenletExit and are still alive `shutdown_grace` later are
/// named in the log (a warning each, pinfiber/core/logging.hpp); when main returns, the hub kills
/// them again at thread exit, waits a bounded time (5 s), names those left and abandons them: the
/// process always ends.
/// A second call while one is in flight does nothing. Never blocks; callable from any greenlet (a
/// SignalHandler's included) or from main, which then gets GreenletExit at its next blocking call.
void shutdown();
/// shutdown() with its own grace period.
void shutdown_within(TimeSpan grace);

}  // namespace pinfiber
