#include "pinfiber/io/signal.hpp"

#include <ev.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/core/sleep.hpp"

namespace pinfiber {

struct SignalHandler::Impl {
  ev_signal watcher{};
  struct ev_loop* loop = nullptr;
  std::function<void()> fn;
  int signum = 0;

  static void on_signal(struct ev_loop*, ev_signal* w, int) {
    auto* self = static_cast<Impl*>(w->data);
    // The hub must not block; the handler may, so it gets a greenlet of its own.
    spawn_with({.name = "signal " + std::to_string(self->signum)}, [fn = self->fn] { fn(); });
  }
};

SignalHandler::SignalHandler(int signum, std::function<void()> fn) : impl_(new Impl) {
  if (signum <= 0 || signum >= NSIG) {
    delete impl_;
    throw Error("install a handler for signal " + std::to_string(signum) + ": no such signal");
  }
  impl_->loop = hub().loop();
  impl_->fn = std::move(fn);
  impl_->signum = signum;
  ev_signal_init(&impl_->watcher, &Impl::on_signal, signum);
  impl_->watcher.data = impl_;
  ev_signal_start(impl_->loop, &impl_->watcher);
  ev_unref(impl_->loop);  // a signal that may never come does not keep the hub alive
}

SignalHandler::~SignalHandler() {
  ev_ref(impl_->loop);  // balance the unref before stopping, as libev requires
  ev_signal_stop(impl_->loop, &impl_->watcher);
  delete impl_;
}

namespace {

// Per hub, so that a second signal during a shutdown does not start another one.
struct ShutdownState {
  bool in_flight = false;
};
const char shutdown_key = 0;

ShutdownState& shutdown_state() {
  return *static_cast<ShutdownState*>(hub().extension(
      &shutdown_key, []() -> void* { return new ShutdownState; },
      [](void* p) { delete static_cast<ShutdownState*>(p); }));
}

}  // namespace

void shutdown() { shutdown_within(shutdown_grace); }

void shutdown_within(Duration grace) {
  ShutdownState& state = shutdown_state();
  if (state.in_flight) return;
  state.in_flight = true;
  // The main greenlet is the one greenlet Hub::kill_all leaves alone (it is not spawned) and the one
  // that must end up returning.
  detail::Fiber* main = main_greenlet().fiber();
  // The killing runs in a greenlet of its own: it waits while the others unwind, which neither main
  // (the one to interrupt last) nor the caller (often a greenlet that must die too: a signal
  // handler, a connection handler) may do.
  spawn_with({.name = "shutdown"}, [&state, main, grace] {
    struct Done {
      ShutdownState& state;
      ~Done() { state.in_flight = false; }
    } done{state};
    const TimePoint deadline = grace >= forever - std::chrono::hours(24) ? TimePoint::max() : hub().now() + grace;
    // Interrupt them all without waiting (kill_all with a zero timeout does not park), then yield:
    // the killed greenlets are queued ahead of this one and unwind first, and whatever their deaths
    // wake - main joining one of them - queues behind it. Waiting on their completion instead would
    // let main run first and return from its join before the interrupt below reached it, which
    // would then hit some later blocking call of main.
    hub().kill_all(Duration::zero());
    yield();
    // Those whose unwinding blocks (a destructor flushing a socket) get the rest of the grace. No
    // second kill: GreenletExit inside a destructor would terminate the program.
    while (hub().greenlet_count() > 1 && hub().now() < deadline) {
      sleep(std::min<Duration>(std::chrono::milliseconds(10), deadline - hub().now()));
    }
    if (std::size_t left = hub().greenlet_count() - 1; left > 0) {
      std::fprintf(stderr, "pinfiber: shutdown: %zu greenlet%s still alive %lld ms after GreenletExit\n", left,
                   left == 1 ? "" : "s",
                   static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(grace).count()));
    }
    // Interrupted last, so that main's cleanup after its catch finds the others already unwound.
    detail::interrupt(main, std::make_exception_ptr(GreenletExit()));
  });
}

}  // namespace pinfiber
