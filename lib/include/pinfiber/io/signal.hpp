#pragma once
// Unix signals delivered through the hub: the handler runs in a greenlet, so it may block, print,
// or stop servers, unlike a C signal handler.

#include <functional>

namespace pinfiber {

/// Runs `fn` in a new greenlet each time signal `signum` arrives (gevent.signal_handler). The
/// watcher does not keep the hub alive by itself (a program waiting only for a signal still gets
/// LoopExit), like gevent's. One handler per signal per process: installing a second one for the
/// same signal replaces libev's. Destroying the object uninstalls it (the default action returns).
///
///   pinfiber::SignalHandler on_term(SIGTERM, pinfiber::shutdown);
///   try { server.serve_forever(); } catch (const pinfiber::GreenletExit&) {}   // main returns
///   // at exit the hub kills every greenlet left; their destructors run
class SignalHandler {
 public:
  /// Installs the handler. Never blocks. Throws Error for an invalid signal number.
  SignalHandler(int signum, std::function<void()> fn);
  ~SignalHandler();
  SignalHandler(const SignalHandler&) = delete;
  SignalHandler& operator=(const SignalHandler&) = delete;

  struct Impl;

 private:
  Impl* impl_;
};

/// Stops the program cooperatively: raises GreenletExit in the main greenlet at its blocking point
/// (so main's blocking call throws it: catch it there and return). When main returns, the hub,
/// at thread exit, kills every remaining greenlet with GreenletExit and waits for them to unwind
/// (destructors run, sockets close). Safe to call from any greenlet of the main thread's hub, and
/// from a SignalHandler. Never blocks.
void shutdown();

}  // namespace pinfiber
